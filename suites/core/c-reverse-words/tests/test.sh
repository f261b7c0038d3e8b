#!/bin/bash
# Verifier: a clean rebuild with the Makefile, then exact output on short, blank, long and wide lines,
# compared with a python reference; the installed binary must match too.
mkdir -p /logs/verifier
ok=1
fail() { echo "FAIL: $*"; ok=0; }
[ -x /app/revwords/revwords ] || fail "no built binary"
b=$(mktemp -d)
cp /app/revwords/revwords.c /app/revwords/Makefile "$b"/ 2>/dev/null
make -s -C "$b" >/dev/null 2>&1 || fail "make fails on a clean copy"
python3 - > "$b/input.txt" <<'PY'
import random
r = random.Random(5)
lines = ['hello world', 'one two three', '', '   ', 'single', '  lead and\ttrail  ',
         ' '.join(f'w{i}' for i in range(600)),
         ' '.join(''.join(r.choice('abcdefgh') for _ in range(r.randint(1, 12))) for _ in range(400))[:4000]]
print('\n'.join(lines))
PY
python3 -c "
import sys
for line in open('$b/input.txt'):
    print(' '.join(reversed(line.split())))
" > "$b/expected.txt"
for bin in "$b/revwords" /app/revwords/revwords; do
  timeout 10 "$bin" < "$b/input.txt" > "$b/got.txt" 2>/dev/null || fail "$bin crashed or failed"
  cmp -s "$b/got.txt" "$b/expected.txt" || fail "$bin output differs"
done
rm -rf "$b"
echo $ok > /logs/verifier/reward.txt
