#!/bin/bash
# Verifier: the state database in SVC_HOME and the saved status output.
mkdir -p /logs/verifier
ok=1
fail() { echo "FAIL: $*"; ok=0; }
db=/app/svc-home/state.db
[ -f "$db" ] || fail "no state database in /app/svc-home"
[ "$(sqlite3 "$db" 'SELECT version, profile FROM meta' 2>/dev/null)" = "2|staging" ] || fail "meta table"
[ "$(sqlite3 "$db" 'SELECT group_concat(name) FROM (SELECT name FROM users ORDER BY name)' 2>/dev/null)" = "alice,bob" ] || fail "users"
[ "$(cat /app/status.txt 2>/dev/null)" = "profile: staging
home: /app/svc-home
schema: 2
users: alice, bob" ] || fail "status.txt: $(cat /app/status.txt 2>/dev/null | tr '\n' '|')"
[ "$(ls /app/deploy)" = svc.conf ] || fail "the deployment directory gained files"
grep -q "SVC_HOME is not set" /app/svc/bin/svcctl || fail "svcctl changed"
echo $ok > /logs/verifier/reward.txt
