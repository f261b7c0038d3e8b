#!/bin/bash
# Verifier: refs restored, no new commits, the same uncommitted state, fsck clean.
mkdir -p /logs/verifier
ok=1
fail() { echo "FAIL: $*"; ok=0; }
cd /app/project 2>/dev/null || fail "no repo"
[ "$(git log --format=%s main 2>/dev/null | tr '\n' '|')" = "main: v3|docs: usage|main: v2|start project|" ] || fail "main history"
[ "$(git log --format=%s feature 2>/dev/null | tr '\n' '|')" = "feature: extra returns 2|feature: extra()|main: v2|start project|" ] || fail "feature history"
[ "$(git symbolic-ref HEAD 2>/dev/null)" = refs/heads/main ] || fail "HEAD not on main"
[ "$(git rev-list --all 2>/dev/null | wc -l)" = 6 ] || fail "commit count changed"
[ "$(git status --porcelain 2>/dev/null | tr '\n' '|')" = " M README.md|?? notes/|" ] || fail "status: $(git status --porcelain 2>/dev/null | tr '\n' '|')"
[ -z "$(git diff --cached --name-only 2>/dev/null)" ] && git diff --cached --quiet 2>/dev/null || fail "something is staged"
grep -q 'Work in progress: new section.' README.md 2>/dev/null || fail "README changes lost"
[ "$(cat notes/todo.txt 2>/dev/null)" = "remember the release" ] || fail "notes lost"
git fsck --no-dangling >/dev/null 2>&1 || fail "git fsck reports errors"
echo $ok > /logs/verifier/reward.txt
