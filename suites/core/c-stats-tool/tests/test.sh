#!/bin/bash
# Verifier: the report, the installed binary and a fresh build of the fixed source all behave.
mkdir -p /logs/verifier
ok=1
fail() { echo "FAIL: $*"; ok=0; }
expected='count 6
mean 12.833
stddev 0.944'
[ "$(cat /app/stats_report.txt 2>/dev/null)" = "$expected" ] || fail "report: $(cat /app/stats_report.txt 2>/dev/null | tr '\n' '|')"
[ -x /app/bin/stats ] || fail "no /app/bin/stats"
gcc -O2 -o /tmp/stats-verify /app/src/stats.c -lm 2>/dev/null || fail "source does not build"
input='# header

 1
2
  # indented comment
3

4'
for b in /app/bin/stats /tmp/stats-verify; do
  [ "$(printf '%s\n' "$input" | "$b" 2>/dev/null)" = "count 4
mean 2.500
stddev 1.291" ] || fail "$b on a test input"
  [ "$(printf '5\n' | "$b" >/dev/null 2>&1; echo $?)" = 1 ] || fail "$b should still reject a single number"
done
echo $ok > /logs/verifier/reward.txt
