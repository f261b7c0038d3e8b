#!/bin/bash
# Reference solution: undo the commit keeping the changes, then commit them in two parts.
# tack-step: go to the repository and inspect the commit
# tack-artifact: /app/repo/README.md
# tack-env
cd /app/repo
git show --stat HEAD
# tack-step: undo the commit, keep the changes in the working tree
git reset -q HEAD~1
# tack-step: commit the README fix
git add README.md
git commit -q -m "Fix typo in README"
# tack-step: commit the rest
git add parser.py io_utils.py
git commit -q -m "Add parser"
# tack-check: test "$(git -C /app/repo log --format=%s | tr '\n' '|')" = "Add parser|Fix typo in README|Initial commit|" && test -z "$(git -C /app/repo status --porcelain)"
git log --stat --format=%s -2
