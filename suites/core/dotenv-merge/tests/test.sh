#!/bin/bash
# Verifier: exact resolved settings; the source files are unchanged.
mkdir -p /logs/verifier
ok=1
fail() { echo "FAIL: $*"; ok=0; }
expected='API_URL=https://shop-staging.example.com/api
APP=shop-staging
CACHE_URL=redis://db.prod.internal:6379
DB_HOST=db.prod.internal
DB_PORT=5432
DB_URL=postgres://db.prod.internal:5432/app
DOMAIN=shop-staging.example.com
EMPTY=
GREETING=Hello, world
LITERAL=${NOT_EXPANDED}
LOG_LEVEL=debug
MISSING_REF=/x'
[ -f /app/resolved.env ] || fail "missing /app/resolved.env"
got=$(cat /app/resolved.env 2>/dev/null)
[ "$got" = "$expected" ] || { fail "resolved.env differs"; diff <(echo "$expected") <(echo "$got"); }
grep -qx 'DB_URL=postgres://${DB_HOST}:${DB_PORT}/app' /app/env/.env && grep -qx 'APP=shop-staging' /app/env/.env.local || fail "sources changed"
echo $ok > /logs/verifier/reward.txt
