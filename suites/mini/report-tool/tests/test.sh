#!/bin/bash
# Verifier: the tool is executable and unchanged, and the report is its exact output.
mkdir -p /logs/verifier
ok=1
fail() { echo "FAIL: $*"; ok=0; }
[ -x /app/tools/report.sh ] || fail "report.sh is not executable"
[ "$(sha256sum < /app/tools/report.sh | cut -c1-16)" = "af871876e4b3480c" ] || fail "report.sh was changed"
expected='a.txt: 2 lines, 3 words
b.txt: 3 lines, 9 words
c.txt: 1 lines, 1 words
total: 6 lines'
[ -f /app/report.txt ] || fail "missing /app/report.txt"
[ "$(cat /app/report.txt 2>/dev/null)" = "$expected" ] || fail "report content differs"
echo $ok > /logs/verifier/reward.txt
