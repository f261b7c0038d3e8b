set -e
t=1700000000
commit() { t=$((t + 3600)); GIT_AUTHOR_DATE="@$t +0000" GIT_COMMITTER_DATE="@$t +0000" git commit -q -m "$1"; }
git init -q -b main /app/repo
cd /app/repo
echo "# shop" > README.md; git add .; commit "init: readme"
printf 'def total(items):\n    return sum(items)\n' > cart.py; git add .; commit "cart: add total"
git checkout -q -b feature/payments
printf 'def pay(amount):\n    return {"status": "paid", "amount": amount}\n' > payments.py; git add .; commit "payments: add pay()"
printf 'from payments import pay\n\ndef test_pay():\n    assert pay(3)["status"] == "paid"\n' > test_payments.py; git add .; commit "payments: tests"
printf '\ndef refund(amount):\n    return {"status": "refunded", "amount": amount}\n' >> payments.py; git add .; commit "payments: add refund support"
git checkout -q main
git checkout -q -b experiment
echo "x = 1" > scratch.py; git add .; commit "experiment: scratch"
git checkout -q main
printf 'def total(items):\n    return round(sum(items), 2)\n' > cart.py; git add .; commit "cart: round totals"
git branch -q -D feature/payments experiment
