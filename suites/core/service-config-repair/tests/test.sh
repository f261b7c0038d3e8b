#!/bin/bash
# Verifier: the (unchanged) validator accepts the config, and each decided value and kept setting is right.
mkdir -p /logs/verifier
if python3 - <<'PY'
import configparser, hashlib, subprocess, sys
r = subprocess.run([sys.executable, 'check_config.py', 'config/app.ini'], cwd='/app/service', capture_output=True, text=True)
assert r.stdout.strip() == 'OK', r.stdout
src = open('/app/service/check_config.py').read()
assert "fail('[server] workers must be at least 1')" in src and 'sqlite:///' in src, 'validator changed'
cp = configparser.ConfigParser(interpolation=None)
cp.read('/app/service/config/app.ini')
assert cp.sections() == ['server', 'database', 'logging', 'features'], cp.sections()
assert dict(cp['server']) == {'host': '0.0.0.0', 'port': '8080', 'workers': '4', 'timeout': '30'}, dict(cp['server'])
assert cp['database']['timeout'] == '60' and cp['database']['pool_size'] == '5'
assert cp['database']['url'] == 'sqlite:////app/service/data/app.db'
assert cp['logging']['level'].upper() == 'DEBUG'
assert cp['logging']['file'] == '/app/service/logs/service.log'
assert dict(cp['features']) == {'beta': 'yes'}
import os
assert os.path.isdir('/app/service/data')
PY
then echo 1 > /logs/verifier/reward.txt; else echo 0 > /logs/verifier/reward.txt; fi
