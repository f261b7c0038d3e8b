#!/bin/bash
# Verifier: lock gone, only complete releases left, current relinked, history appended, health saved.
mkdir -p /logs/verifier
ok=1
fail() { echo "FAIL: $*"; ok=0; }
S=/app/srv
[ ! -e $S/state/deploy.lock ] || fail "lock still there"
[ "$(ls $S/releases 2>/dev/null | tr '\n' ' ')" = "2024-06-01-1 2024-06-05-1 " ] || fail "releases: $(ls $S/releases 2>/dev/null | tr '\n' ' ')"
[ -L $S/current ] && [ "$(readlink $S/current)" = "releases/2024-06-05-1" ] || fail "current -> $(readlink $S/current 2>/dev/null)"
[ "$(cat $S/state/history.log 2>/dev/null)" = "deploy 2024-06-01-1
deploy 2024-06-05-1
deploy 2024-06-07-1
rollback 2024-06-09-1 -> 2024-06-05-1" ] || fail "history.log"
[ "$(cat /app/health.txt 2>/dev/null)" = "OK 2024-06-05-1" ] || fail "health.txt: $(cat /app/health.txt 2>/dev/null)"
[ "$($S/current/bin/healthcheck 2>/dev/null)" = "OK 2024-06-05-1" ] || fail "healthcheck fails now"
(cd $S/releases/2024-06-05-1 2>/dev/null && sha256sum --quiet -c MANIFEST >/dev/null 2>&1) || fail "live release damaged"
[ "$(cat $S/shared/config.env 2>/dev/null | head -n 1)" = "DB_URL=sqlite:////app/srv/shared/app.db" ] || fail "shared changed"
echo $ok > /logs/verifier/reward.txt
