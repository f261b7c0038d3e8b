#!/bin/bash
# Reference solution: one parser per timestamp format, integer milliseconds throughout (no float
# rounding), a whole-word match for the id.
# tack-step: list the logs
# tack-artifact: /app/timeline.txt
# tack-artifact: /app/incident.json
ls -l /app/logs
# tack-step: gateway format
grep -w 7f3a9c /app/logs/gateway.log
# tack-step: payments format
grep -w 7f3a9c /app/logs/payments.log
# tack-step: db format
grep -w 7f3a9c /app/logs/db.log
# tack-step: worker format
grep -w 7f3a9c /app/logs/worker.log
# tack-step: write the timeline builder
cat > /app/timeline.py <<'PY'
import json, os, re
from datetime import datetime, timedelta, timezone

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def when(source, line):
    if source == 'gateway':
        return datetime.strptime(line[:23], '%Y-%m-%dT%H:%M:%S.%f').replace(tzinfo=timezone.utc)
    if source == 'payments':
        return datetime.strptime(line[:26], '%d/%b/%Y:%H:%M:%S %z')
    if source == 'db':
        return EPOCH + timedelta(milliseconds=int(line.split()[0]))
    return datetime.strptime('2024 ' + line[:15], '%Y %b %d %H:%M:%S').replace(tzinfo=timezone.utc)


def iso(t):
    t = t.astimezone(timezone.utc)
    return t.strftime('%Y-%m-%dT%H:%M:%S.') + f'{t.microsecond // 1000:03d}Z'


rows = []
for name in sorted(os.listdir('/app/logs')):
    source = name[:-4]
    for line in open(f'/app/logs/{name}'):
        line = line.rstrip('\n')
        if re.search(r'\b7f3a9c\b', line):
            rows.append((when(source, line), source, line))
rows.sort(key=lambda r: (r[0], r[1]))
with open('/app/timeline.txt', 'w') as f:
    for t, source, line in rows:
        f.write(f'{iso(t)} {source} {line}\n')
problem = next(r for r in rows if re.search(r'\b(WARN|ERROR)\b', r[2]))
json.dump({'request': '7f3a9c', 'events': len(rows), 'first': iso(rows[0][0]), 'last': iso(rows[-1][0]),
           'sources': sorted({r[1] for r in rows}), 'first_problem': {'time': iso(problem[0]), 'source': problem[1]}},
          open('/app/incident.json', 'w'), indent=2)
PY
# tack-step: build it
python3 /app/timeline.py
# tack-step: read the result
cat /app/timeline.txt /app/incident.json
# tack-check: test "$(wc -l < /app/timeline.txt)" = "$(cat /app/logs/*.log | grep -cw 7f3a9c)" && ! grep -q 7f3a9c1 /app/timeline.txt && cut -d' ' -f1 /app/timeline.txt | sort -c
