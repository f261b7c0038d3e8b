#!/bin/bash
# Verifier: the release artifact exists with the release substituted, and nothing else was built.
mkdir -p /logs/verifier
ok=1
fail() { echo "FAIL: $*"; ok=0; }
f=/app/proj/dist/app-2.3.1.txt
[ -f "$f" ] || fail "missing $f"
[ "$(head -n 1 "$f" 2>/dev/null)" = "app release 2.3.1" ] || fail "first line wrong"
grep -qx 'release tag: v2.3.1' "$f" 2>/dev/null || fail "tag line wrong"
grep -q '@RELEASE@' "$f" 2>/dev/null && fail "placeholder left"
[ "$(ls /app/proj/dist 2>/dev/null | wc -l)" = 1 ] || fail "dist must hold exactly one file"
grep -q 'RELEASE is not set' /app/proj/build.sh || fail "build.sh was edited"
echo $ok > /logs/verifier/reward.txt
