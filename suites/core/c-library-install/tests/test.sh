#!/bin/bash
# Verifier: the installed files work (a program compiled against /app/dist), and `make install
# PREFIX=...` reproduces the installation from a clean copy.
mkdir -p /logs/verifier
ok=1
fail() { echo "FAIL: $*"; ok=0; }
t=$(mktemp -d)
cat > "$t/t.c" <<'C'
#include <stdio.h>
#include <kv.h>
int main(void) {
    kv *s = kv_new();
    kv_put(s, "a", "1"); kv_put(s, "b", "2"); kv_put(s, "a", "3");
    printf("%d %s %s %s\n", kv_size(s), kv_get(s, "a"), kv_get(s, "b"), kv_get(s, "c") ? "?" : "none");
    kv_free(s);
    return 0;
}
C
check_prefix() {
  local p=$1
  [ -f "$p/include/kv.h" ] && cmp -s "$p/include/kv.h" /app/libkv/kv.h || fail "$p: header"
  ar t "$p/lib/libkv.a" 2>/dev/null | grep -qx kv.o || fail "$p: libkv.a is not an archive with kv.o"
  [ -x "$p/bin/kvdemo" ] && [ "$("$p/bin/kvdemo" x 1 y 2 2>/dev/null)" = "2 keys" ] || fail "$p: kvdemo"
  gcc -o "$t/t" "$t/t.c" -I"$p/include" -L"$p/lib" -lkv 2>/dev/null && [ "$("$t/t")" = "2 3 2 none" ] || fail "$p: linking a program against it"
  rm -f "$t/t"
}
check_prefix /app/dist
mkdir "$t/src"; cp /app/libkv/*.c /app/libkv/*.h /app/libkv/Makefile "$t/src"/ 2>/dev/null
make -s -C "$t/src" install PREFIX="$t/p" >/dev/null 2>&1 || fail "make install PREFIX=... fails on a clean copy"
check_prefix "$t/p"
grep -q 'kv_put(s, argv\[i\], argv\[i + 1\])' /app/libkv/kvdemo.c || fail "sources changed"
rm -rf "$t"
echo $ok > /logs/verifier/reward.txt
