#!/bin/bash
# Verifier: exact cleaned list, plus format properties checked one by one for clear messages.
mkdir -p /logs/verifier
if python3 - <<'PY'
import sys
try:
    data = open('/app/names_clean.txt').read()
except OSError:
    sys.exit('missing /app/names_clean.txt')
lines = data.split('\n')
assert data.endswith('\n'), 'no final newline'
lines = lines[:-1]
assert all(l == l.strip() and l for l in lines), 'blank or unstripped line'
assert all(l == l.lower() for l in lines), 'not lowercase'
assert len(lines) == len(set(lines)), 'duplicates left'
assert lines == sorted(lines), 'not sorted'
expected = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi\tkim', 'ivan', 'judy', 'mallory']
assert lines == expected, f'wrong names: {lines}'
PY
then echo 1 > /logs/verifier/reward.txt; else echo 0 > /logs/verifier/reward.txt; fi
