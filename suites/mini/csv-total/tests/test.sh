#!/bin/bash
# Verifier: the paid total is right, formatted with two decimals, and the input is untouched.
mkdir -p /logs/verifier
ok=1
fail() { echo "FAIL: $*"; ok=0; }
out=/app/paid_total.txt
[ -f "$out" ] || fail "missing $out"
[ "$(grep -c . "$out" 2>/dev/null)" = 1 ] || fail "expected exactly one non-empty line"
grep -qxE '[0-9]+\.[0-9]{2}' "$out" 2>/dev/null || fail "not a number with two decimals"
[ "$(tr -d ' \n' < "$out" 2>/dev/null)" = "776.14" ] || fail "wrong total: $(cat "$out" 2>/dev/null)"
[ "$(sha256sum < /app/orders.csv | cut -c1-16)" = "fb47cfebeb6cc113" ] || fail "orders.csv was modified"
echo $ok > /logs/verifier/reward.txt
