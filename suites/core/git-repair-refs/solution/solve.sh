#!/bin/bash
# Reference solution: rewrite the broken branch files from their reflogs, then rebuild the index
# from HEAD with a mixed reset (working tree untouched).
# tack-step: go to the repository
# tack-artifact: /app/project/.git/refs/heads/main
# tack-env
cd /app/project
# tack-step: see the damage
# tack-pitfall: git log --oneline
cat .git/HEAD
wc -c .git/refs/heads/main .git/refs/heads/feature .git/index
# tack-step: read the last reflog entry of each branch
tail -n 1 .git/logs/refs/heads/main
tail -n 1 .git/logs/refs/heads/feature
# tack-step: restore the branch files
tail -n 1 .git/logs/refs/heads/main | cut -d' ' -f2 > .git/refs/heads/main
tail -n 1 .git/logs/refs/heads/feature | cut -d' ' -f2 > .git/refs/heads/feature
# tack-step: history readable again
git log --oneline --all
# tack-step: rebuild the index from HEAD, keeping the working tree
rm -f .git/index
git reset -q
# tack-step: check the state
git status --short
git fsck --no-dangling
# tack-check: cd /app/project && test "$(git status --porcelain | tr '\n' '|')" = " M README.md|?? notes/|" && git fsck --no-dangling && test "$(git log -1 --format=%s feature)" = "feature: extra returns 2"
