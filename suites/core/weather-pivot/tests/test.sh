#!/bin/bash
# Verifier: both CSV files compared cell by cell with the expected ones.
mkdir -p /logs/verifier
if python3 - <<'PY'
import csv, sys
for name in ('daily_wide', 'monthly'):
    try:
        got = list(csv.reader(open(f'/app/{name}.csv', newline='')))
    except OSError:
        sys.exit(f'missing /app/{name}.csv')
    want = list(csv.reader(open(f'/tests/expected_{name}.csv', newline='')))
    assert got[:1] == want[:1], f'{name}: header {got[:1]}'
    assert len(got) == len(want), f'{name}: {len(got) - 1} rows, want {len(want) - 1}'
    for g, w in zip(got, want):
        assert g == w, f'{name}: {g} != {w}'
PY
then echo 1 > /logs/verifier/reward.txt; else echo 0 > /logs/verifier/reward.txt; fi
