#!/bin/bash
# Reference solution: csv module for parsing (quoted commas), Decimal for money.
# tack-step: look at the inputs
# tack-artifact: /app/customer_totals.json
head -n 4 /app/data/customers.csv /app/data/orders.csv /app/data/rates.csv
# tack-step: join and aggregate
python3 - <<'PY'
import csv, json
from decimal import Decimal, ROUND_HALF_UP
read = lambda name: list(csv.DictReader(open(f'/app/data/{name}.csv', newline='')))
rates = {r['currency']: Decimal(r['eur_per_unit']) for r in read('rates')}
customers = {int(r['id']): r for r in read('customers')}
totals = {cid: [0, Decimal(0)] for cid in customers}
unmatched = []
for o in read('orders'):
    cid = int(o['customer_id'])
    if cid not in customers:
        unmatched.append(o['order_id'])
        continue
    totals[cid][0] += 1
    totals[cid][1] += Decimal(o['amount']) * rates[o['currency']]
rows = [{'id': cid, 'name': customers[cid]['name'], 'country': customers[cid]['country'], 'orders': n,
         'total_eur': float(t.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP))} for cid, (n, t) in totals.items()]
rows.sort(key=lambda r: (-r['total_eur'], r['id']))
json.dump({'customers': rows, 'unmatched_orders': sorted(unmatched)}, open('/app/customer_totals.json', 'w'), indent=2)
PY
# tack-check: python3 -c "import json, csv; d = json.load(open('/app/customer_totals.json')); n = len(list(csv.reader(open('/app/data/customers.csv')))) - 1; o = len(list(csv.reader(open('/app/data/orders.csv')))) - 1; assert len(d['customers']) == n and sum(c['orders'] for c in d['customers']) + len(d['unmatched_orders']) == o"
head -c 400 /app/customer_totals.json
