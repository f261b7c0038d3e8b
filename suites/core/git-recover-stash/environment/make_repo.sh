set -e
t=1700000000
tick() { t=$((t + 3600)); export GIT_AUTHOR_DATE="@$t +0000" GIT_COMMITTER_DATE="@$t +0000"; }
git init -q -b main /app/shop
cd /app/shop
printf 'def pay(order):\n    return charge(order)\n\n\ndef charge(order):\n    return True\n' > app.py
printf '# shop\n' > README.md
tick; git add .; git commit -q -m "payments: first version"
printf 'experimental idea\n' > experiment.txt; git add experiment.txt
printf '# shop (experiment)\n' > README.md
tick; git stash push -q -m "old experiment"
printf 'def pay(order, retries=3):\n    for _ in range(retries):\n        if charge(order):\n            return True\n    return False\n\n\ndef charge(order):\n    return True\n' > app.py
printf 'payments:\n  retries: 3\n  backoff_ms: 250\n' > config.yaml; git add config.yaml
tick; git stash push -q -m "payment retries"
git stash drop -q stash@{1}
git stash drop -q
tick; printf '# shop\n\nA small shop.\n' > README.md; git commit -q -am "docs: describe the shop"
