#!/bin/bash
# Verifier: the CSV parses, has the header, the exact rows (amount text included) and sums to TOTAL.
mkdir -p /logs/verifier
if python3 - <<'PY'
import csv, sys
from decimal import Decimal
try:
    got = list(csv.reader(open('/app/ledger.csv', newline='')))
except OSError:
    sys.exit('missing /app/ledger.csv')
want = list(csv.reader(open('/tests/expected.csv', newline='')))
assert got and got[0] == ['date', 'account', 'description', 'amount'], f'header: {got[:1]}'
assert len(got) == len(want), f'{len(got) - 1} rows, want {len(want) - 1}'
for g, w in zip(got[1:], want[1:]):
    assert g[:3] == w[:3], f'row {g} != {w}'
    assert g[3] == w[3], f'amount {g[3]} != {w[3]} in {w[2]}'
assert sum(Decimal(r[3]) for r in got[1:]) == Decimal('-69445.63'), 'sum differs from TOTAL'
PY
then echo 1 > /logs/verifier/reward.txt; else echo 0 > /logs/verifier/reward.txt; fi
