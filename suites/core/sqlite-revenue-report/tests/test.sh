#!/bin/bash
# Verifier: header, row set and order, two-decimal format, and values within half a cent.
mkdir -p /logs/verifier
if python3 - <<'PY'
import csv, re, sys
try:
    got = list(csv.reader(open('/app/revenue_2023.csv', newline='')))
except OSError:
    sys.exit('missing /app/revenue_2023.csv')
want = list(csv.reader(open('/tests/expected.csv', newline='')))
assert got[0] == ['region', 'month', 'revenue'], got[0]
assert [r[:2] for r in got[1:]] == [r[:2] for r in want[1:]], 'rows or order differ'
for g, w in zip(got[1:], want[1:]):
    assert re.fullmatch(r'\d+\.\d\d', g[2]), f'format: {g}'
    assert abs(float(g[2]) - float(w[2])) < 0.005, f'{g} != {w}'
PY
then echo 1 > /logs/verifier/reward.txt; else echo 0 > /logs/verifier/reward.txt; fi
