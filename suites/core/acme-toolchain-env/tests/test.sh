#!/bin/bash
# Verifier: the bundle holds correctly signed outputs and a matching manifest; the env file works in
# a clean shell; toolchain and sources unchanged.
mkdir -p /logs/verifier
ok=1
fail() { echo "FAIL: $*"; ok=0; }
b=/app/project/dist/bundle.tar
[ -f "$b" ] || fail "missing $b"
[ "$(tar -tf "$b" 2>/dev/null | sort | tr '\n' ' ')" = "MANIFEST alpha.gen beta.gen gamma.gen " ] || fail "bundle members"
t=$(mktemp -d); tar -xf "$b" -C "$t" 2>/dev/null
[ "$(head -n 1 "$t/MANIFEST" 2>/dev/null)" = "acme 2.4.1" ] || fail "manifest version"
(cd "$t" && tail -n +2 MANIFEST | sha256sum --quiet -c - >/dev/null 2>&1) || fail "manifest checksums"
key=k3y-acme-7731
for n in alpha beta gamma; do
  body=$(tr 'a-z' 'A-Z' < "/app/project/src/$n.txt")
  sig=$(printf '%s:%s' "$key" "$body" | sha256sum | cut -c1-16)
  [ "$(cat "$t/$n.gen" 2>/dev/null)" = "$body
# sig: $sig" ] || fail "$n.gen content or signature"
done
rm -rf "$t"
out=$(env -i PATH=/usr/bin:/bin HOME=/tmp bash -c '. /app/acme-env.sh && echo "$ACME_HOME" && acme-gen --version && command -v ls' 2>/dev/null)
[ "$out" = "/opt/acme
acme 2.4.1
/usr/bin/ls" ] || fail "acme-env.sh: $out"
[ "$(cat /opt/acme/share/acme/key.txt)" = "$key" ] && grep -q 'ACME_HOME is not set' /opt/acme/bin/acme-gen || fail "toolchain changed"
[ "$(cat /app/project/src/gamma.txt)" = gamma ] || fail "sources changed"
echo $ok > /logs/verifier/reward.txt
