#!/bin/bash
# Reference solution: merge raw values first, then resolve references recursively against the merge.
# tack-step: read the three files
# tack-artifact: /app/resolved.env
head -n 20 /app/env/.env /app/env/.env.production /app/env/.env.local
# tack-draft-begin
# python3 - <<'PY'
# import re
# values = {}
# for name in ('.env', '.env.production', '.env.local'):
#     for line in open(f'/app/env/{name}'):
#         line = line.strip()
#         if not line or line.startswith('#'):
#             continue
#         key, _, raw = line.removeprefix('export ').partition('=')
#         if len(raw) >= 2 and raw[0] == raw[-1] == "'":
#             values[key] = raw[1:-1]
#             continue
#         if len(raw) >= 2 and raw[0] == raw[-1] == '"':
#             raw = raw[1:-1]
#         values[key] = re.sub(r'\$\{(\w+)\}', lambda m: values.get(m.group(1), ''), raw)
# open('/app/resolved.env', 'w').write(''.join(f'{k}={values[k]}\n' for k in sorted(values)))
# PY
# tack-draft-end
# tack-step: merge, then resolve against the merged settings
python3 - <<'PY'
import re
raw, literal = {}, set()
for name in ('.env', '.env.production', '.env.local'):
    for line in open(f'/app/env/{name}'):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        key, _, value = line.removeprefix('export ').partition('=')
        literal.discard(key)
        if len(value) >= 2 and value[0] == value[-1] == "'":
            value = value[1:-1]
            literal.add(key)
        elif len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        raw[key] = value
resolved = {}
def resolve(key, seen=()):
    if key not in raw or key in seen:
        return ''
    if key not in resolved:
        value = raw[key] if key in literal else re.sub(r'\$\{(\w+)\}', lambda m: resolve(m.group(1), seen + (key,)), raw[key])
        resolved[key] = value
    return resolved[key]
open('/app/resolved.env', 'w').write(''.join(f'{k}={resolve(k)}\n' for k in sorted(raw)))
PY
# tack-check: grep -qx "DB_URL=postgres://$(sed -n 's/^DB_HOST=//p' /app/resolved.env):$(sed -n 's/^DB_PORT=//p' /app/resolved.env)/app" /app/resolved.env && grep -qx "DOMAIN=$(sed -n 's/^APP=//p' /app/resolved.env).example.com" /app/resolved.env
cat /app/resolved.env
