#!/bin/bash
# Reference solution: git filter-repo is not installed; use filter-branch on all refs (tags
# included via --tag-name-filter), then drop the backup refs, expire reflogs and prune.
# tack-step: go to the repository and look at the refs
# tack-artifact: /app/repo/.git/packed-refs
# tack-env
cd /app/repo
git for-each-ref
# tack-step: find the commits that contain the token
git log --all --oneline -S sk_live_51HxQ9Zt7GkVbN2mPq
# tack-step: allow filter-branch to run without its interactive warning pause
# tack-env
export FILTER_BRANCH_SQUELCH_WARNING=1
# tack-draft-begin
# git filter-branch -f --tree-filter 'grep -rlF sk_live_51HxQ9Zt7GkVbN2mPq . | xargs -r sed -i "s/sk_live_51HxQ9Zt7GkVbN2mPq/REDACTED/g"' -- --branches
# tack-draft-end
# tack-step: rewrite every branch and tag
# tack-pitfall: git filter-repo --replace-text <(echo 'sk_live_51HxQ9Zt7GkVbN2mPq==>REDACTED')
git filter-branch -f --tree-filter 'grep -rlF sk_live_51HxQ9Zt7GkVbN2mPq . | xargs -r sed -i "s/sk_live_51HxQ9Zt7GkVbN2mPq/REDACTED/g"' --tag-name-filter cat -- --all
# tack-check: cd /app/repo && test -z "$(git rev-list --branches --tags | xargs -I{} git grep -l sk_live_51HxQ9Zt7GkVbN2mPq {} | head -n 1)" && test "$(git rev-parse v1.0)" = "$(git rev-parse release)"
# tack-step: delete the backup refs left by filter-branch
git for-each-ref --format='%(refname)' refs/original/ | xargs -r -n 1 git update-ref -d
# tack-step: expire the reflogs
git reflog expire --expire=now --all
# tack-step: prune the old objects
git gc -q --prune=now
# tack-step: confirm no object holds the token
# tack-check: cd /app/repo && test "$(git cat-file --batch-all-objects --batch | grep -ac sk_live_51HxQ9Zt7GkVbN2mPq)" = 0 && test "$(git for-each-ref | wc -l)" = 3
git cat-file --batch-all-objects --batch | grep -ac sk_live_51HxQ9Zt7GkVbN2mPq
# tack-step: confirm the content and state
git status --short
git show v1.0:config/settings.env
