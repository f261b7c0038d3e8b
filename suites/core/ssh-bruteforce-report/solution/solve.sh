#!/bin/bash
# Reference solution: parse times with the year, expand "message repeated" lines, slide a 5-attempt window.
# tack-step: look at the message kinds
# tack-artifact: /app/bruteforce.csv
sed -E 's/^.{15} \S+ ([a-zA-Z]+)\[[0-9]+\]: (\S+ \S+).*/\1 \2/' /app/auth.log | sort | uniq -c
grep 'message repeated' /app/auth.log
# tack-step: compute the report
python3 - <<'PY'
import csv, re
from datetime import datetime
fails, accepted = {}, {}
for line in open('/app/auth.log'):
    t = datetime.strptime('2024 ' + line[:15], '%Y %b %d %H:%M:%S')
    m = re.search(r'message repeated (\d+) times: \[ Failed password for .* from (\S+) port', line)
    if m:
        fails.setdefault(m.group(2), []).extend([t] * int(m.group(1)))
        continue
    m = re.search(r'Failed password for .* from (\S+) port', line)
    if m:
        fails.setdefault(m.group(1), []).append(t)
        continue
    m = re.search(r'Accepted \S+ for \S+ from (\S+) port', line)
    if m:
        accepted.setdefault(m.group(1), []).append(t)
rows = []
for ip, ts in fails.items():
    ts.sort()
    if any((ts[i + 4] - ts[i]).total_seconds() <= 600 for i in range(len(ts) - 4)):
        compromised = any(a > ts[0] for a in accepted.get(ip, []))
        rows.append([ip, len(ts), ts[0].isoformat(), ts[-1].isoformat(), 'yes' if compromised else 'no'])
rows.sort(key=lambda r: (-r[1], r[0]))
with open('/app/bruteforce.csv', 'w', newline='') as f:
    w = csv.writer(f)
    w.writerow(['ip', 'failures', 'first_failure', 'last_failure', 'compromised'])
    w.writerows(rows)
PY
# tack-check: test "$(head -n 1 /app/bruteforce.csv | tr -d "\r")" = "ip,failures,first_failure,last_failure,compromised" && tail -n +2 /app/bruteforce.csv | tr -d "\r" | sort -c -t, -k2,2nr -k1,1 && grep -q '^192.0.2.150,5,' /app/bruteforce.csv
cat /app/bruteforce.csv
