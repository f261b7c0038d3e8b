#!/bin/bash
# Verifier: the recovered branch holds exactly the stash's changes on top of main; main untouched.
mkdir -p /logs/verifier
ok=1
fail() { echo "FAIL: $*"; ok=0; }
cd /app/shop 2>/dev/null || fail "no repo"
[ "$(git log --format=%s main 2>/dev/null | tr '\n' '|')" = "docs: describe the shop|payments: first version|" ] || fail "main changed"
[ "$(git rev-parse recovered~1 2>/dev/null)" = "$(git rev-parse main 2>/dev/null)" ] || fail "recovered is not one commit on main"
[ "$(git log -1 --format=%s recovered 2>/dev/null)" = "Recover payment retries" ] || fail "commit message"
[ "$(git diff --name-status main recovered 2>/dev/null | tr '\t\n' ' |')" = "M app.py|A config.yaml|" ] || fail "changed files: $(git diff --name-status main recovered 2>/dev/null | tr '\t\n' ' |')"
git show recovered:app.py 2>/dev/null | grep -q 'def pay(order, retries=3):' || fail "app.py change missing"
[ "$(git show recovered:config.yaml 2>/dev/null)" = "payments:
  retries: 3
  backoff_ms: 250" ] || fail "config.yaml"
[ "$(git show recovered:README.md 2>/dev/null)" = "$(git show main:README.md 2>/dev/null)" ] || fail "README differs from main"
s=$(cat /app/stash_commit.txt 2>/dev/null)
[[ $s =~ ^[0-9a-f]{40}$ ]] && [ "$(git log -1 --format=%s "$s" 2>/dev/null)" = "On main: payment retries" ] || fail "stash_commit.txt"
[ "$(git symbolic-ref HEAD 2>/dev/null)" = refs/heads/main ] && [ -z "$(git status --porcelain 2>/dev/null)" ] || fail "not clean on main"
echo $ok > /logs/verifier/reward.txt
