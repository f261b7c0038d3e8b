#!/bin/bash
# Verifier: exact counts over all rotations, format and order; the logs are left in place.
mkdir -p /logs/verifier
ok=1
fail() { echo "FAIL: $*"; ok=0; }
expected='E3300 9
E1001 8
E2002 5
E1042 3
E4040 3'
[ -f /app/error_counts.txt ] || fail "missing /app/error_counts.txt"
[ "$(cat /app/error_counts.txt 2>/dev/null)" = "$expected" ] || fail "counts: $(cat /app/error_counts.txt 2>/dev/null | tr '\n' '|')"
[ "$(ls /app/logs | tr '\n' ' ')" = "app.log app.log.1 app.log.2.gz app.log.3.gz app.log.4.gz " ] || fail "log files were changed"
gzip -t /app/logs/app.log.2.gz 2>/dev/null || fail "app.log.2.gz damaged"
echo $ok > /logs/verifier/reward.txt
