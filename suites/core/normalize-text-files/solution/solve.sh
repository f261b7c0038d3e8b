#!/bin/bash
# Reference solution: dos2unix is not installed; rewrite the listed files in place with python.
# tack-step: list the files
# tack-artifact: /app/docs/README.md
find /app/docs -type f | sort
# tack-step: normalise the text files (no dos2unix here)
# tack-pitfall: dos2unix /app/docs/README.md
python3 - <<'PY'
import os, re
for d, _, names in os.walk('/app/docs'):
    for n in names:
        if n.rsplit('.', 1)[-1] not in ('txt', 'md', 'csv', 'sh') or '.' not in n:
            continue
        p = os.path.join(d, n)
        data = open(p, 'rb').read()
        if data.startswith(b'\xef\xbb\xbf'):
            data = data[3:]
        lines = [re.sub(rb'[ \t]+$', b'', l) for l in data.replace(b'\r\n', b'\n').split(b'\n')]
        with open(p, 'wb') as f:
            f.write(b'\n'.join(lines).rstrip(b'\n') + b'\n')
PY
# tack-check: ! find /app/docs -type f \( -name '*.txt' -o -name '*.md' -o -name '*.csv' -o -name '*.sh' \) -exec grep -lP '\r|[ \t]$|^\xEF\xBB\xBF' {} + | grep .
# tack-check: test -x /app/docs/scripts/run.sh && test -z "$(tail -c 1 /app/docs/README.md | tr -d '\n')" && test -n "$(tail -n 1 /app/docs/guides/setup.txt)"
find /app/docs -name '*.md' -exec tail -c 20 {} \;
