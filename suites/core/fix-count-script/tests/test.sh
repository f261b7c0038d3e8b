#!/bin/bash
# Verifier: runs the fixed script directly on fixtures with spaces, a missing final newline,
# an empty directory and no argument.
mkdir -p /logs/verifier
ok=1
fail() { echo "FAIL: $*"; ok=0; }
s=/app/count_rows.sh
[ -x "$s" ] || fail "not executable"
d=$(mktemp -d)
mkdir -p "$d/my data" "$d/empty dir"
printf 'h\n1\n2\n3\n' > "$d/my data/b file.csv"
printf 'h\nx\ny' > "$d/my data/a.csv"
printf 'h\n' > "$d/my data/c.csv"
printf 'h\n1\n' > "$d/my data/notes.txt"
expected='a.csv: 2 rows
b file.csv: 3 rows
c.csv: 0 rows
total: 5'
out=$("$s" "$d/my data" 2>/dev/null); rc=$?
[ "$rc" = 0 ] || fail "exit status $rc"
[ "$out" = "$expected" ] || fail "wrong output: $out"
out=$("$s" "$d/empty dir" 2>/dev/null); rc=$?
[ "$rc" = 0 ] && [ "$out" = "total: 0" ] || fail "empty dir: rc=$rc out=$out"
out=$(cd /tmp && "$s" 2>/tmp/err); rc=$?
[ "$rc" = 2 ] && [ -s /tmp/err ] && [ -z "$out" ] || fail "no argument: rc=$rc"
rm -rf "$d"
echo $ok > /logs/verifier/reward.txt
