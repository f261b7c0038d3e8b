#!/bin/bash
# Reference solution: one python pass over the tree applying the marker rules.
# tack-step: survey the tree
# tack-artifact: /app/todo_report.tsv
find /app/src -type f | sort
grep -rnw -e TODO -e FIXME /app/src | head -n 20
# tack-step: write the report
python3 - <<'PY'
import os, re
marker = re.compile(r'\b(TODO|FIXME)\b(?:\([^)]*\))?:?(.*)$')
rows = []
for d, dirs, names in os.walk('/app/src'):
    if os.path.relpath(d, '/app/src').split(os.sep)[0] == 'vendor':
        continue
    for n in names:
        p = os.path.join(d, n)
        data = open(p, 'rb').read()
        if b'\0' in data:
            continue
        for i, line in enumerate(data.decode('utf-8', 'replace').split('\n'), 1):
            m = marker.search(line)
            if m:
                text = m.group(2).strip()
                if text.endswith('*/'):
                    text = text[:-2].strip()
                rows.append((os.path.relpath(p, '/app/src'), i, m.group(1), text))
rows.sort(key=lambda r: (r[0].encode(), r[1]))
with open('/app/todo_report.tsv', 'w') as f:
    for r in rows:
        f.write('%s\t%d\t%s\t%s\n' % r)
PY
# tack-check: test "$(wc -l < /app/todo_report.tsv)" -eq "$(grep -rwI --exclude-dir=vendor -e TODO -e FIXME /app/src | wc -l)" && ! grep -q '^vendor/' /app/todo_report.tsv && test "$(awk -F'\t' 'NF != 4' /app/todo_report.tsv | wc -l)" -eq 0
cat /app/todo_report.tsv
