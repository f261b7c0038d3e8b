#!/bin/bash
# Reference solution: parse entry lines by column positions, convert (x) to -x, write with csv.
# tack-step: look at the report layout
# tack-artifact: /app/ledger.csv
head -n 6 /app/ledger.txt
tail -n 3 /app/ledger.txt
# tack-draft-begin
# python3 - <<'PY'
# import csv, re
# w = csv.writer(open('/app/ledger.csv', 'w', newline=''))
# w.writerow(['date', 'account', 'description', 'amount'])
# for line in open('/app/ledger.txt'):
#     if re.match(r'\d{4}-\d\d-\d\d ', line):
#         amount = line[47:].strip().replace(',', '').strip('()')
#         w.writerow([line[:10], line[11:20].strip(), line[21:46].strip(), f'{float(amount):.2f}'])
# PY
# tack-draft-end
# tack-step: convert the entries, with parenthesised amounts as negatives
python3 - <<'PY'
import csv, re
w = csv.writer(open('/app/ledger.csv', 'w', newline=''))
w.writerow(['date', 'account', 'description', 'amount'])
for line in open('/app/ledger.txt'):
    if re.match(r'\d{4}-\d\d-\d\d ', line):
        raw = line[47:].strip()
        amount = float(raw.replace(',', '').strip('()'))
        if raw.startswith('('):
            amount = -amount
        w.writerow([line[:10], line[11:20].strip(), line[21:46].strip(), f'{amount:.2f}'])
PY
# tack-check: python3 -c "import csv; t = open('/app/ledger.txt').read().split('TOTAL')[1].split()[0]; total = float(t.strip('()').replace(',', '')) * (-1 if t.startswith('(') else 1); s = sum(float(r['amount']) for r in csv.DictReader(open('/app/ledger.csv'))); assert abs(s - total) < 0.005, (s, total)"
head -n 4 /app/ledger.csv
