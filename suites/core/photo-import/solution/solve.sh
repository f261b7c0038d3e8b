#!/bin/bash
# Reference solution: a python pass implementing the candidate-name rules in byte order.
# tack-step: look at the inbox and the library
# tack-artifact: /app/import_summary.txt
# tack-artifact: /app/library
ls -la /app/inbox
find /app/library -type f
# tack-step: import
python3 - <<'PY'
import os, re, shutil
pat = re.compile(r'^(IMG|VID)_(\d{4})(\d{2})(\d{2})_(\d{6})(?: \(\d+\))?\.(jpg|mp4)$', re.I)
moved = dups = skipped = 0
for name in sorted(os.listdir('/app/inbox'), key=os.fsencode):
    src = os.path.join('/app/inbox', name)
    m = pat.match(name)
    if not m or (m.group(1).upper(), m.group(6).lower()) not in (('IMG', 'jpg'), ('VID', 'mp4')):
        skipped += 1
        continue
    y, mo, d, t, ext = m.group(2), m.group(3), m.group(4), m.group(5), m.group(6).lower()
    folder = f'/app/library/{y}/{mo}'
    os.makedirs(folder, exist_ok=True)
    data = open(src, 'rb').read()
    k = 1
    while True:
        cand = os.path.join(folder, f'{y}{mo}{d}_{t}' + (f'-{k}' if k > 1 else '') + '.' + ext)
        if not os.path.exists(cand):
            shutil.move(src, cand)
            moved += 1
            break
        if open(cand, 'rb').read() == data:
            os.remove(src)
            dups += 1
            break
        k += 1
open('/app/import_summary.txt', 'w').write(f'moved {moved}\nduplicates {dups}\nskipped {skipped}\n')
PY
# tack-check: test "$(find /app/library -type f | wc -l)" -eq $((1 + $(sed -n 's/^moved //p' /app/import_summary.txt))) && test "$(ls /app/inbox | wc -l)" -eq "$(sed -n 's/^skipped //p' /app/import_summary.txt)"
cat /app/import_summary.txt
find /app/library -type f | sort
