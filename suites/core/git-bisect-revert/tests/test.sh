#!/bin/bash
# Verifier: the named commit is the first bad one, fix = main + one revert commit that passes,
# main untouched, no bisect state.
mkdir -p /logs/verifier
ok=1
fail() { echo "FAIL: $*"; ok=0; }
cd /app/repo 2>/dev/null || fail "no repo"
h=$(cat /app/first_bad.txt 2>/dev/null)
[[ $h =~ ^[0-9a-f]{40}$ ]] || fail "first_bad.txt does not hold a full hash"
[ "$(git log -1 --format=%s "$h" 2>/dev/null)" = "refactor: simplify loop in total()" ] || fail "wrong commit"
[ "$(git log -1 --format=%s main 2>/dev/null)" = "notes: add note 30" ] && [ "$(git rev-list --count main 2>/dev/null)" = 31 ] || fail "main changed"
[ "$(git rev-parse fix~1 2>/dev/null)" = "$(git rev-parse main 2>/dev/null)" ] || fail "fix is not one commit on top of main"
[ "$(git diff --name-only main fix 2>/dev/null)" = stats.py ] || fail "fix changes more than stats.py"
git show fix:stats.py 2>/dev/null | grep -q 'for i in range(len(xs)):' || fail "loop not reverted on fix"
git show fix:stats.py 2>/dev/null | grep -q 'def median' || fail "fix lost median()"
d=$(mktemp -d); git archive fix 2>/dev/null | tar -x -C "$d" 2>/dev/null
(cd "$d" && python3 check.py >/dev/null 2>&1) || fail "check.py fails on fix"
rm -rf "$d"
[ "$(git symbolic-ref HEAD 2>/dev/null)" = refs/heads/main ] || fail "not on main"
[ -z "$(git status --porcelain 2>/dev/null)" ] || fail "working tree not clean"
[ ! -e .git/BISECT_LOG ] && [ ! -e .git/BISECT_START ] || fail "bisect still in progress"
echo $ok > /logs/verifier/reward.txt
