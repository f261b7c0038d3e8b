#!/bin/bash
# Verifier: every endpoint with exact count, 5xx count and nearest-rank p95.
mkdir -p /logs/verifier
if python3 - <<'PY'
import json, sys
try:
    got = json.load(open('/app/latency.json'))
except (OSError, ValueError) as e:
    sys.exit(f'cannot read /app/latency.json: {e}')
want = json.load(open('/tests/expected.json'))
assert set(got) == set(want), f'endpoints: {sorted(got)}'
for path, w in want.items():
    g = got[path]
    assert {k: g.get(k) for k in ('count', 'errors_5xx')} == {k: w[k] for k in ('count', 'errors_5xx')}, (path, g, w)
    assert isinstance(g.get('p95_ms'), int) and g['p95_ms'] == w['p95_ms'], (path, g, w)
PY
then echo 1 > /logs/verifier/reward.txt; else echo 0 > /logs/verifier/reward.txt; fi
