#!/bin/bash
# Verifier: exact per-window rows (boundaries are inclusive at the start) and the culprit.
mkdir -p /logs/verifier
ok=1
fail() { echo "FAIL: $*"; ok=0; }
expected='version,deployed_at,window_minutes,errors,errors_per_hour
1.4.0,2024-07-01T00:00:00Z,360,12,2.00
1.4.1,2024-07-01T06:00:00Z,210,10,2.86
1.5.0,2024-07-01T09:30:00Z,90,46,30.67
1.4.1,2024-07-01T11:00:00Z,240,12,3.00
1.5.1,2024-07-01T15:00:00Z,315,27,5.14
1.5.2,2024-07-01T20:15:00Z,225,45,12.00'
[ -f /app/deploy_errors.csv ] || fail "missing /app/deploy_errors.csv"
[ "$(tr -d '\r' < /app/deploy_errors.csv 2>/dev/null)" = "$expected" ] || { fail "deploy_errors.csv differs"; diff <(echo "$expected") <(tr -d '\r' < /app/deploy_errors.csv 2>/dev/null); }
[ "$(cat /app/culprit.txt 2>/dev/null)" = "1.5.0" ] || fail "culprit: $(cat /app/culprit.txt 2>/dev/null)"
echo $ok > /logs/verifier/reward.txt
