#!/bin/bash
# Verifier: the source compiles cleanly (rebuilt here) and both binaries behave as specified.
mkdir -p /logs/verifier
ok=1
fail() { echo "FAIL: $*"; ok=0; }
[ -x /app/greet ] || fail "missing /app/greet"
gcc -Wall -Werror -o /tmp/greet-verify /app/greet.c || fail "greet.c does not compile cleanly"
for bin in /app/greet /tmp/greet-verify; do
  [ "$("$bin" 2>/dev/null)" = "Hello, world!" ] || fail "$bin without arguments"
  [ "$("$bin" Ada 'Grace Hopper' 2>/dev/null)" = "Hello, Ada!
Hello, Grace Hopper!" ] || fail "$bin with arguments"
done
echo $ok > /logs/verifier/reward.txt
