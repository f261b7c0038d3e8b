#!/bin/bash
# Verifier: no object contains the token, refs are exactly the three, history shape and content kept.
mkdir -p /logs/verifier
ok=1
fail() { echo "FAIL: $*"; ok=0; }
S=sk_live_51HxQ9Zt7GkVbN2mPq
cd /app/repo 2>/dev/null || fail "no repo"
[ "$(git for-each-ref --format='%(refname)' | tr '\n' ' ')" = "refs/heads/main refs/heads/release refs/tags/v1.0 " ] || fail "refs: $(git for-each-ref --format='%(refname)' | tr '\n' ' ')"
n=$(git cat-file --batch-all-objects --batch 2>/dev/null | grep -ac "$S")
[ "$n" = 0 ] || fail "$n objects still hold the token"
[ "$(git rev-list --all 2>/dev/null | wc -l)" = 6 ] || fail "commit count changed"
[ "$(git log --format='%s|%an|%at' main 2>/dev/null | tr '\n' ';')" = "docs: explain API_TOKEN|Dana Dev|1700021600;security: read the token from the environment|Dana Dev|1700018000;deploy: add deploy script|Dana Dev|1700014400;config: add API token|Dana Dev|1700010800;config: add settings|Dana Dev|1700007200;init|Dana Dev|1700003600;" ] || fail "main history changed"
[ "$(git rev-parse release 2>/dev/null)" = "$(git rev-parse main~2 2>/dev/null)" ] || fail "release does not point to the rewritten deploy commit"
[ "$(git cat-file -t v1.0 2>/dev/null)" = commit ] && [ "$(git rev-parse v1.0 2>/dev/null)" = "$(git rev-parse main~2 2>/dev/null)" ] || fail "v1.0 wrong"
[ "$(git show v1.0:config/settings.env 2>/dev/null)" = "PORT=8080
LOG_LEVEL=info
API_TOKEN=REDACTED" ] || fail "settings.env at v1.0"
git show v1.0:deploy.sh 2>/dev/null | grep -q 'Bearer REDACTED" https' || fail "deploy.sh at v1.0"
git show main:config/settings.env 2>/dev/null | grep -qx 'API_TOKEN=${API_TOKEN}' || fail "settings.env on main changed"
[ "$(git symbolic-ref HEAD 2>/dev/null)" = refs/heads/main ] && [ -z "$(git status --porcelain 2>/dev/null)" ] || fail "not clean on main"
grep -q 'Set API_TOKEN before deploying' README.md 2>/dev/null || fail "working tree content changed"
echo $ok > /logs/verifier/reward.txt
