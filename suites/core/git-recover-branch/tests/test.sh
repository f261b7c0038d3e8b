#!/bin/bash
# Verifier: the branch is back at its old tip, main is untouched, experiment stays deleted.
mkdir -p /logs/verifier
ok=1
fail() { echo "FAIL: $*"; ok=0; }
cd /app/repo 2>/dev/null || fail "no repo"
git rev-parse -q --verify refs/heads/feature/payments >/dev/null || fail "branch feature/payments missing"
[ "$(git log -1 --format=%s feature/payments 2>/dev/null)" = "payments: add refund support" ] || fail "wrong tip"
[ "$(git log --format=%s main..feature/payments 2>/dev/null | tr '\n' '|')" = "payments: add refund support|payments: tests|payments: add pay()|" ] || fail "wrong commits on the branch"
git show feature/payments:payments.py 2>/dev/null | grep -q 'def refund' || fail "refund() missing at the tip"
[ "$(git log --format=%s main 2>/dev/null | tr '\n' '|')" = "cart: round totals|cart: add total|init: readme|" ] || fail "main changed"
[ "$(git for-each-ref --format='%(refname)' refs/heads | tr '\n' ' ')" = "refs/heads/feature/payments refs/heads/main " ] || fail "unexpected branches: $(git for-each-ref --format='%(refname)' refs/heads)"
[ "$(cat /app/restored.txt 2>/dev/null)" = "$(git rev-parse feature/payments 2>/dev/null)" ] || fail "restored.txt does not hold the branch tip"
[ "$(git symbolic-ref HEAD 2>/dev/null)" = refs/heads/main ] || fail "HEAD is not main"
[ -z "$(git status --porcelain 2>/dev/null)" ] || fail "working tree not clean"
echo $ok > /logs/verifier/reward.txt
