#!/bin/bash
# Verifier: the shipped tests pass (unchanged), more cases of split() and to_cents(), local changes
# kept, leftovers removed.
mkdir -p /logs/verifier
ok=1
fail() { echo "FAIL: $*"; ok=0; }
[ "$(sha256sum < /app/lib/test_money.py | cut -c1-16)" = "577b7861c1b76aa4" ] || fail "tests changed"
(cd /app/lib && python3 -m unittest -q >/dev/null 2>&1) || fail "unit tests fail"
ls /app/lib/*.rej /app/lib/*.orig >/dev/null 2>&1 && fail "leftover .rej/.orig files"
grep -q '"""Split an amount into `parts` shares."""' /app/lib/money.py || fail "local docstring lost"
(cd /app/lib && python3 - <<'PY') || fail "behaviour"
from money import split, to_cents, from_cents
assert split(7, 7) == [1] * 7 and split(0, 3) == [0, 0, 0] and split(5, 2) == [3, 2] and split(10, 4) == [3, 3, 2, 2]
assert to_cents(19.99) == 1999 and to_cents(2.675) == 268 and from_cents(250) == 2.5
try:
    split(3, -1)
except ValueError:
    pass
else:
    raise AssertionError('negative parts accepted')
PY
echo $ok > /logs/verifier/reward.txt
