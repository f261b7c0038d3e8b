#!/bin/bash
# Reference solution: list the fix commits oldest first (git log is newest first by default).
# tack-step: go to the repository and list the candidate commits
# tack-artifact: /app/repo/.git/refs/heads/release/1.x
# tack-env
cd /app/repo
git log --oneline main..develop
# tack-step: switch to the maintenance branch
git checkout -q release/1.x
# tack-draft-begin
# git cherry-pick -x $(git log --format=%H --grep='^fix:' main..develop)
# tack-draft-end
# tack-step: cherry-pick the fixes in their original order
git reset -q --hard v1.0.1-base
git cherry-pick -x $(git log --reverse --format=%H --grep='^fix:' main..develop)
# tack-check: cd /app/repo && test "$(git log --reverse --format=%s v1.0.1-base..release/1.x)" = "$(git log --reverse --format=%s --grep='^fix:' main..develop)"
# tack-step: back to main
git checkout -q main
git log --oneline v1.0.1-base..release/1.x
