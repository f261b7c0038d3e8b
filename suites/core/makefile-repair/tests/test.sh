#!/bin/bash
# Verifier: on a clean copy of the project: full build, calculator results, no-op rebuild,
# header-driven rebuilds (from make -n), clean; sources unchanged; the project left built.
mkdir -p /logs/verifier
ok=1
fail() { echo "FAIL: $*"; ok=0; }
[ -x /app/calc/build/calc ] && [ "$(/app/calc/build/calc 6 x 7 2>/dev/null)" = 42 ] || fail "project not left built"
grep -q 'argv\[2\]\[1\]' /app/calc/src/main.c && grep -q "case 'x'" /app/calc/src/ops.c || fail "sources changed"
d=$(mktemp -d)
cp -r /app/calc/src /app/calc/Makefile "$d"/ 2>/dev/null
cd "$d" || exit 1
make >/dev/null 2>&1 || fail "make fails from scratch"
c=build/calc
[ "$("$c" 6 x 7 2>/dev/null)" = 42 ] && [ "$("$c" 20 / 3 2>/dev/null)" = 6 ] && [ "$("$c" -5 - 10 2>/dev/null)" = -15 ] && [ "$("$c" 2 + 2 2>/dev/null)" = 4 ] || fail "wrong results"
"$c" 1 / 0 >/dev/null 2>&1; [ $? = 1 ] || fail "division by zero status"
"$c" x + 1 >/dev/null 2>&1; [ $? = 2 ] || fail "usage status"
[ -z "$(make -n 2>/dev/null | grep -E 'gcc|cc ')" ] || fail "second make would rebuild: $(make -n)"
# Fixed mtimes instead of sleeping: sources old, build outputs newer, then one header newest.
age() { touch -d @1600000000 src/*; find build -type f -exec touch -d @1600000100 {} +; touch -d @1600000200 "$1"; }
age src/parse.h
n=$(make -n 2>/dev/null)
echo "$n" | grep -q 'main\.c' && echo "$n" | grep -q 'parse\.c' && ! echo "$n" | grep -q 'ops\.c' && echo "$n" | grep -q -- '-o build/calc' || fail "parse.h change: $n"
age src/ops.h
n=$(make -n 2>/dev/null)
echo "$n" | grep -q 'main\.c' && echo "$n" | grep -q 'ops\.c' && ! echo "$n" | grep -q 'parse\.c' || fail "ops.h change: $n"
make clean >/dev/null 2>&1; [ ! -e build ] || fail "make clean leaves build/"
cd /; rm -rf "$d"
echo $ok > /logs/verifier/reward.txt
