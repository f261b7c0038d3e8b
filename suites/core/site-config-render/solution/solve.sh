#!/bin/bash
# Reference solution: a python renderer with plain string replacement (no format(), which would
# choke on the nginx braces).
# tack-step: read the inputs
# tack-artifact: /app/out/errors.txt
# tack-artifact: /app/out/sites-available/shop.conf
# tack-artifact: /app/out/sites-enabled/shop.conf
cat /app/sites.json
cat /app/templates/tls.conf.tmpl
# tack-step: render, link and collect errors
python3 - <<'PY'
import json, os, re
sites = json.load(open('/app/sites.json'))['sites']
os.makedirs('/app/out/sites-available', exist_ok=True)
os.makedirs('/app/out/sites-enabled', exist_ok=True)
errors = []
for s in sites:
    host, _, port = s['upstream'].rpartition(':')
    if not re.fullmatch(r'[a-z0-9-]+', s['name']):
        errors.append(f"{s['name']}: invalid name")
        continue
    if not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        errors.append(f"{s['name']}: invalid upstream")
        continue
    text = open('/app/templates/' + ('tls' if s['tls'] else 'plain') + '.conf.tmpl').read()
    text = text.replace('{{name}}', s['name']).replace('{{server_names}}', ' '.join(s['domains'])).replace('{{upstream}}', s['upstream'])
    open(f"/app/out/sites-available/{s['name']}.conf", 'w').write(text)
    if s['enabled']:
        link = f"/app/out/sites-enabled/{s['name']}.conf"
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(f"../sites-available/{s['name']}.conf", link)
open('/app/out/errors.txt', 'w').write(''.join(e + '\n' for e in errors))
PY
# tack-check: ! grep -r '{{' /app/out/sites-available && test -z "$(find /app/out/sites-enabled -xtype l)" && test "$(ls /app/out/sites-available | wc -l)" -eq $(( $(grep -c '"name"' /app/sites.json) - $(wc -l < /app/out/errors.txt) ))
cat /app/out/errors.txt
ls -l /app/out/sites-enabled
