#!/bin/bash
# Verifier: exact bytes of every file (normalised or untouched), same file set, modes kept.
mkdir -p /logs/verifier
if python3 - <<'PY'
import hashlib, json, os, sys
want = json.load(open('/tests/expected.json'))
root = '/app/docs'
got = {}
for d, _, names in os.walk(root):
    for n in names:
        p = os.path.join(d, n)
        got[os.path.relpath(p, root)] = hashlib.sha256(open(p, 'rb').read()).hexdigest()
assert set(got) == set(want), f'file set differs: {sorted(set(got) ^ set(want))}'
bad = sorted(p for p in want if got[p] != want[p])
assert not bad, f'wrong content: {bad}'
assert os.access(os.path.join(root, 'scripts/run.sh'), os.X_OK), 'run.sh lost its execute bit'
PY
then echo 1 > /logs/verifier/reward.txt; else echo 0 > /logs/verifier/reward.txt; fi
