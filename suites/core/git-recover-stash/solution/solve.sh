#!/bin/bash
# Reference solution: dropped stashes are dangling commits; find the right one by its message and
# apply it on a new branch.
# tack-step: go to the repository
# tack-artifact: /app/stash_commit.txt
# tack-env
cd /app/shop
git status --short
# tack-step: the stash list is empty
# tack-pitfall: git stash pop
git stash list
# tack-step: find dangling commits and their messages
git fsck --no-reflogs --unreachable 2>/dev/null | awk '$2 == "commit" { print $3 }' | xargs -r git log --no-walk --format='%H %s'
# tack-step: record the stash commit to recover
git fsck --no-reflogs --unreachable 2>/dev/null | awk '$2 == "commit" { print $3 }' | xargs -r git log --no-walk --format='%H %s' | grep ' On main: payment retries$' | cut -d' ' -f1 > /app/stash_commit.txt
cat /app/stash_commit.txt
# tack-step: create the branch and apply the stash
git checkout -q -b recovered main
git stash apply "$(cat /app/stash_commit.txt)"
# tack-step: commit everything from the stash
git add -A
git commit -q -m "Recover payment retries"
# tack-step: back to main
git checkout -q main
# tack-check: cd /app/shop && test "$(git diff --name-only main recovered | tr '\n' ' ')" = "app.py config.yaml " && test "$(git rev-parse recovered~1)" = "$(git rev-parse main)" && test -z "$(git status --porcelain)"
git log --oneline --all --graph | head -n 5
