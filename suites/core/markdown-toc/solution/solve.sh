#!/bin/bash
# Reference solution: walk the lines tracking code fences, build anchors, splice the TOC in.
# tack-step: read the document
# tack-artifact: /app/GUIDE.md
cat /app/GUIDE.md
# tack-draft-begin
# python3 - <<'PY'
# import re
# lines = open('/app/GUIDE.md').read().split('\n')
# seen, toc = {}, []
# for l in lines:
#     m = re.match(r'^(##|###) (.+)$', l)
#     if m:
#         text = m.group(2).strip()
#         a = re.sub(r'[^a-z0-9 _-]', '', text.lower()).replace(' ', '-')
#         n = seen.get(a, 0)
#         seen[a] = n + 1
#         toc.append(('  ' if m.group(1) == '###' else '') + f'- [{text}](#{a}' + (f'-{n}' if n else '') + ')')
# a, b = lines.index('<!-- toc -->'), lines.index('<!-- tocstop -->')
# open('/app/GUIDE.md', 'w').write('\n'.join(lines[:a + 1] + toc + lines[b:]))
# PY
# tack-draft-end
# tack-step: rebuild the TOC, skipping fenced code blocks
python3 - <<'PY'
import re
lines = open('/app/GUIDE.md').read().split('\n')
seen, toc, fence = {}, [], False
for l in lines:
    if l.startswith('```'):
        fence = not fence
        continue
    m = None if fence else re.match(r'^(##|###) (.+)$', l)
    if m:
        text = m.group(2).strip()
        a = re.sub(r'[^a-z0-9 _-]', '', text.lower()).replace(' ', '-')
        n = seen.get(a, 0)
        seen[a] = n + 1
        toc.append(('  ' if m.group(1) == '###' else '') + f'- [{text}](#{a}' + (f'-{n}' if n else '') + ')')
a, b = lines.index('<!-- toc -->'), lines.index('<!-- tocstop -->')
open('/app/GUIDE.md', 'w').write('\n'.join(lines[:a + 1] + toc + lines[b:]))
PY
# tack-check: test "$(sed -n '/^<!-- toc -->$/,/^<!-- tocstop -->$/p' /app/GUIDE.md | grep -c '^ *- \[')" -eq "$(awk '/^```/ { f = !f; next } !f && /^###? /' /app/GUIDE.md | wc -l)"
sed -n '/<!-- toc -->/,/<!-- tocstop -->/p' /app/GUIDE.md
