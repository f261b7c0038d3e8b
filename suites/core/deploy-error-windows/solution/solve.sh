#!/bin/bash
# Reference solution: parse both logs, half-open windows [deploy, next deploy), one python pass.
# tack-step: look at both logs
# tack-artifact: /app/deploy_errors.csv
# tack-artifact: /app/culprit.txt
cat /app/logs/deploys.log
grep -c '] ERROR ' /app/logs/app.log
# tack-step: count errors per deployment window
python3 - <<'PY'
import re
from datetime import datetime
deploys = []
for line in open('/app/logs/deploys.log'):
    deploys.append((datetime.strptime(line[:20], '%Y-%m-%dT%H:%M:%SZ'), re.search(r'version (\S+)', line).group(1), line[:20]))
errors = [datetime.strptime(l[1:20], '%Y-%m-%d %H:%M:%S') for l in open('/app/logs/app.log') if l[21:].startswith(' ERROR ')]
ends = [d[0] for d in deploys[1:]] + [datetime(2024, 7, 2)]
rows = []
for (start, version, stamp), end in zip(deploys, ends):
    minutes = int((end - start).total_seconds() // 60)
    n = sum(start <= t < end for t in errors)
    rows.append((version, stamp, minutes, n, n * 60 / minutes))
with open('/app/deploy_errors.csv', 'w') as f:
    f.write('version,deployed_at,window_minutes,errors,errors_per_hour\n')
    for v, stamp, minutes, n, rate in rows:
        f.write(f'{v},{stamp},{minutes},{n},{rate:.2f}\n')
open('/app/culprit.txt', 'w').write(max(rows, key=lambda r: r[4])[0] + '\n')
PY
# tack-check: test "$(tail -n +2 /app/deploy_errors.csv | awk -F, '{ s += $4 } END { print s }')" = "$(grep -c '] ERROR ' /app/logs/app.log)" && test "$(tail -n +2 /app/deploy_errors.csv | sort -t, -k5,5nr | head -n 1 | cut -d, -f1)" = "$(cat /app/culprit.txt)"
cat /app/deploy_errors.csv /app/culprit.txt
