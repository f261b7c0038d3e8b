#!/bin/bash
# Verifier: exact timeline (conversion, filtering, ordering) and incident summary.
mkdir -p /logs/verifier
if python3 - <<'PY'
import json, sys
expected = '''2024-05-02T14:03:05.001Z gateway 2024-05-02T14:03:05.001Z INFO req=7f3a9c method=POST path=/checkout start
2024-05-02T14:03:07.000Z payments 02/May/2024:16:03:07 +0200 [payments] INFO request 7f3a9c: charging card
2024-05-02T14:03:08.120Z db 1714658588120 WARN conn=12 slow query 2890ms (req 7f3a9c)
2024-05-02T14:03:10.000Z gateway 2024-05-02T14:03:10.000Z WARN req=7f3a9c upstream=payments slow
2024-05-02T14:03:10.000Z payments 02/May/2024:16:03:10 +0200 [payments] ERROR request 7f3a9c: card processor timeout after 3000ms
2024-05-02T14:03:11.250Z gateway 2024-05-02T14:03:11.250Z ERROR req=7f3a9c status=502 upstream=payments
2024-05-02T14:03:12.000Z worker May  2 14:03:12 worker[311]: retry job for req=7f3a9c
2024-05-02T14:03:40.000Z worker May  2 14:03:40 worker[311]: job for req=7f3a9c gave up after 3 attempts
'''.splitlines()
try:
    got = open('/app/timeline.txt').read().splitlines()
except OSError:
    sys.exit('missing /app/timeline.txt')
assert not any('7f3a9c1' in l for l in got), 'lines of request 7f3a9c1 included'
assert len(got) == len(expected), f'{len(got)} lines, want {len(expected)}'
for g, w in zip(got, expected):
    assert g == w, f'\n got: {g}\nwant: {w}'
inc = json.load(open('/app/incident.json'))
assert inc == {'request': '7f3a9c', 'events': 8, 'first': '2024-05-02T14:03:05.001Z', 'last': '2024-05-02T14:03:40.000Z',
               'sources': ['db', 'gateway', 'payments', 'worker'],
               'first_problem': {'time': '2024-05-02T14:03:08.120Z', 'source': 'db'}}, inc
PY
then echo 1 > /logs/verifier/reward.txt; else echo 0 > /logs/verifier/reward.txt; fi
