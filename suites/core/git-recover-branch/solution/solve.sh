#!/bin/bash
# Reference solution: the deleted branch's commits are still in HEAD's reflog.
# tack-step: go to the repository
# tack-artifact: /app/restored.txt
# tack-env
cd /app/repo
git branch -a
# tack-step: find the lost tip in the reflog and recreate the branch there
# tack-pitfall: git checkout feature/payments
git reflog | head -n 12
git branch feature/payments "$(git log -g --format='%H %s' HEAD | grep -m1 ' payments: add refund support$' | cut -d' ' -f1)"
# tack-check: test "$(git -C /app/repo log -1 --format=%s feature/payments)" = "payments: add refund support" && test "$(git -C /app/repo symbolic-ref --short HEAD)" = main
git log --oneline main..feature/payments
# tack-step: record the restored tip
git rev-parse feature/payments > /app/restored.txt
