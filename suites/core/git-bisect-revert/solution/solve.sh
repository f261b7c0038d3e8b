#!/bin/bash
# Reference solution: git bisect run with check.py, record the hash, reset, then revert on a branch.
# tack-step: go to the repository and confirm the failure on main
# tack-artifact: /app/first_bad.txt
# tack-env
cd /app/repo
python3 check.py
# tack-step: confirm v1.0 is good
git checkout -q v1.0
python3 check.py
git checkout -q main
# tack-step: start bisecting between v1.0 and main
git bisect start main v1.0
# tack-step: let bisect run the check
git bisect run python3 check.py
# tack-step: record the first bad commit
git rev-parse refs/bisect/bad > /app/first_bad.txt
git show --stat "$(cat /app/first_bad.txt)"
# tack-step: end the bisect session
git bisect reset
# tack-step: create the fix branch with a revert
git checkout -q -b fix main
git revert --no-edit "$(cat /app/first_bad.txt)"
# tack-step: test the fix
python3 check.py
# tack-check: cd /app/repo && test "$(git rev-parse fix~1)" = "$(git rev-parse main)" && test "$(git diff --name-only main fix)" = stats.py && git show fix:stats.py | grep -q "in range(len(xs)):"
# tack-step: return to main
git checkout -q main
# tack-check: cd /app/repo && test "$(git symbolic-ref --short HEAD)" = main && test ! -e .git/BISECT_LOG && test "$(git log -1 --format=%s "$(cat /app/first_bad.txt)")" = "refactor: simplify loop in total()"
git status --short
