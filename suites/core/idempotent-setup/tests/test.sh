#!/bin/bash
# Verifier: runs setup.sh three times on a fresh prefix and twice on a prefix with existing state,
# checking the layout after each run; also checks the default-PREFIX run happened.
mkdir -p /logs/verifier
ok=1
fail() { echo "FAIL: $*"; ok=0; }
s=/app/setup.sh
[ -x "$s" ] || fail "setup.sh not executable"
conf='home=$HOME/app
pattern=^[a-z]+\.log$
greeting=it'"'"'s ready'
check() {
  local p=$1 token=$2 allow=$3
  [ "$(stat -c %a "$p/etc" "$p/var/log" "$p/releases/v2" "$p/secrets" 2>/dev/null | tr '\n' ' ')" = "755 755 755 700 " ] || fail "$p: directory modes"
  [ "$(cat "$p/etc/app.conf" 2>/dev/null)" = "$conf" ] || fail "$p: app.conf content"
  [ "$(readlink "$p/current")" = "releases/v2" ] || fail "$p: current link"
  [ -z "$(ls -A "$p/releases/v2" 2>/dev/null)" ] || fail "$p: releases/v2 should stay empty"
  [ "$(cat "$p/etc/hosts.allow" 2>/dev/null)" = "$allow" ] || fail "$p: hosts.allow is $(cat "$p/etc/hosts.allow" 2>/dev/null | tr '\n' '|')"
  [ "$(cat "$p/secrets/token" 2>/dev/null)" = "$token" ] || fail "$p: token content"
  [ "$(stat -c %a "$p/secrets/token" 2>/dev/null)" = 600 ] || fail "$p: token mode"
}
t=$(mktemp -d)
for i in 1 2 3; do
  PREFIX="$t/fresh" HOME=/nonexistent "$s" >/dev/null 2>&1 || fail "fresh run $i failed"
  check "$t/fresh" changeme "10.0.0.0/8"
done
mkdir -p "$t/old/etc" "$t/old/secrets"
printf '192.168.0.0/16\n10.0.0.0/8\n' > "$t/old/etc/hosts.allow"
printf 's3cr3t\n' > "$t/old/secrets/token"
chmod 644 "$t/old/secrets/token"
for i in 1 2; do
  PREFIX="$t/old" "$s" >/dev/null 2>&1 || fail "existing-state run $i failed"
  check "$t/old" s3cr3t "192.168.0.0/16
10.0.0.0/8"
done
check /app/srv changeme "10.0.0.0/8"
rm -rf "$t"
echo $ok > /logs/verifier/reward.txt
