#!/bin/bash
# Reference solution: sum the paid amounts with a real CSV parser (quoted names contain commas).
# tack-step: look at the data
# tack-artifact: /app/paid_total.txt
head -n 5 /app/orders.csv
# tack-draft-begin
# awk -F, 'NR > 1 && $3 == "paid" { s += $4 } END { printf "%.2f\n", s }' /app/orders.csv > /app/paid_total.txt
# tack-draft-end
# tack-step: sum the paid amounts with python's csv module
python3 -c "import csv; rows = csv.DictReader(open('/app/orders.csv')); print('%.2f' % sum(float(r['amount']) for r in rows if r['status'] == 'paid'))" > /app/paid_total.txt
# tack-check: grep ',paid,' /app/orders.csv | awk -F, '{ s += $NF } END { printf "%.2f\n", s }' | diff - /app/paid_total.txt
cat /app/paid_total.txt
