#!/bin/bash
# Reference solution: last line wins per key; Decimal with ROUND_HALF_UP (away from zero) for means.
# tack-step: look at the data
# tack-artifact: /app/daily_wide.csv
# tack-artifact: /app/monthly.csv
head -n 5 /app/readings.csv
tail -n 3 /app/readings.csv
# tack-step: pivot and aggregate
python3 - <<'PY'
import csv
from decimal import ROUND_HALF_UP, Decimal
latest = {}
for row in csv.DictReader(open('/app/readings.csv', newline='')):
    latest[(row['station'], row['date'], row['metric'])] = row['value']
value = lambda k: '' if latest.get(k, 'NA') == 'NA' else latest[k]
with open('/app/daily_wide.csv', 'w', newline='') as f:
    w = csv.writer(f)
    w.writerow(['station', 'date', 'temp_c', 'rain_mm'])
    for st, date in sorted({(s, d) for s, d, _ in latest}):
        w.writerow([st, date, value((st, date, 'temp_c')), value((st, date, 'rain_mm'))])
months = {}
for (st, date, metric), v in latest.items():
    bucket = months.setdefault((st, date[:7]), {'temp_c': [], 'rain_mm': []})
    if v != 'NA':
        bucket[metric].append(Decimal(v))
with open('/app/monthly.csv', 'w', newline='') as f:
    w = csv.writer(f)
    w.writerow(['station', 'month', 'mean_temp_c', 'total_rain_mm'])
    for (st, month), b in sorted(months.items()):
        mean = str((sum(b['temp_c']) / len(b['temp_c'])).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)) if b['temp_c'] else ''
        total = str(sum(b['rain_mm']).quantize(Decimal('0.1'))) if b['rain_mm'] else ''
        w.writerow([st, month, mean, total])
PY
# tack-check: grep -q '^BER,2024-02,-4.1,' /app/monthly.csv && test "$(tail -n +2 /app/daily_wide.csv | cut -d, -f1,2 | sort -u | wc -l)" = "$(tail -n +2 /app/readings.csv | cut -d, -f1,2 | sort -u | wc -l)"
cat /app/monthly.csv
