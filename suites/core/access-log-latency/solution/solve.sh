#!/bin/bash
# Reference solution: strict line regex, milliseconds as integers, nearest rank = ceil(0.95 n).
# tack-step: look at the log, including odd lines
# tack-artifact: /app/latency.json
head -n 3 /app/access.log
grep -v '" [0-9][0-9][0-9] [0-9]* "[^"]*" "[^"]*" [0-9.]*$' /app/access.log
# tack-draft-begin
# python3 - <<'PY'
# import json, re
# pat = re.compile(r'^\S+ \S+ \S+ \[[^\]]+\] "\S+ (\S+) [^"]*" (\d{3}) \S+ "[^"]*" "[^"]*" (\d+\.\d{3})$')
# data = {}
# for line in open('/app/access.log'):
#     m = pat.match(line.rstrip('\n'))
#     if m:
#         data.setdefault(m.group(1).split('?')[0], []).append((int(m.group(2)), round(float(m.group(3)) * 1000)))
# out = {}
# for path, reqs in data.items():
#     ms = sorted(t for _, t in reqs)
#     out[path] = {'count': len(ms), 'errors_5xx': sum(s >= 500 for s, _ in reqs), 'p95_ms': ms[min(int(0.95 * len(ms)), len(ms) - 1)]}
# json.dump(out, open('/app/latency.json', 'w'), indent=2, sort_keys=True)
# PY
# tack-draft-end
# tack-step: aggregate per endpoint
python3 - <<'PY'
import json, math, re
pat = re.compile(r'^\S+ \S+ \S+ \[[^\]]+\] "\S+ (\S+) [^"]*" (\d{3}) \S+ "[^"]*" "[^"]*" (\d+\.\d{3})$')
data = {}
for line in open('/app/access.log'):
    m = pat.match(line.rstrip('\n'))
    if m:
        data.setdefault(m.group(1).split('?')[0], []).append((int(m.group(2)), round(float(m.group(3)) * 1000)))
out = {}
for path, reqs in data.items():
    ms = sorted(t for _, t in reqs)
    out[path] = {'count': len(ms), 'errors_5xx': sum(s >= 500 for s, _ in reqs), 'p95_ms': ms[math.ceil(0.95 * len(ms)) - 1]}
json.dump(out, open('/app/latency.json', 'w'), indent=2, sort_keys=True)
PY
# tack-check: python3 -c "import json, re; d = json.load(open('/app/latency.json')); v = {}; pat = re.compile(r'^\S+ \S+ \S+ \[[^\]]+\] \"\S+ (\S+) [^\"]*\" \d{3} \S+ \"[^\"]*\" \"[^\"]*\" (\d+\.\d{3})$'); [v.setdefault(m.group(1).split('?')[0], []).append(round(float(m.group(2)) * 1000)) for m in (pat.match(l.rstrip('\n')) for l in open('/app/access.log')) if m]; assert all(sum(x <= d[p]['p95_ms'] for x in xs) >= 0.95 * len(xs) > sum(x < d[p]['p95_ms'] for x in xs) for p, xs in v.items())"
cat /app/latency.json
