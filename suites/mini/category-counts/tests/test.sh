#!/bin/bash
# Verifier: exact CSV, and the database still holds every product.
mkdir -p /logs/verifier
ok=1
fail() { echo "FAIL: $*"; ok=0; }
expected='category,count
art,1
food,3
home,2
tools,2'
[ -f /app/counts.csv ] || fail "missing /app/counts.csv"
[ "$(tr -d '\r' < /app/counts.csv 2>/dev/null)" = "$expected" ] || fail "counts.csv differs: $(cat /app/counts.csv 2>/dev/null)"
[ "$(sqlite3 /app/shop.db 'SELECT count(*) FROM products' 2>/dev/null)" = 12 ] || fail "products table changed"
echo $ok > /logs/verifier/reward.txt
