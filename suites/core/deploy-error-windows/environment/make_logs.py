import os
import random
from datetime import datetime, timedelta

r = random.Random(71)
os.makedirs('/app/logs', exist_ok=True)
day = datetime(2024, 7, 1)
deploys = [(0, 0, 'deployed version 1.4.0 by ci'), (6, 0, 'deployed version 1.4.1 by ci'),
           (9, 30, 'deployed version 1.5.0 by alice'), (11, 0, 'rolled back to version 1.4.1 by bob'),
           (15, 0, 'deployed version 1.5.1 by ci'), (20, 15, 'deployed version 1.5.2 by ci')]
with open('/app/logs/deploys.log', 'w') as f:
    for h, m, text in deploys:
        f.write(f'{day + timedelta(hours=h, minutes=m):%Y-%m-%dT%H:%M:%SZ} {text}\n')
rates = [2, 3, 30, 3, 5, 12]  # errors per hour in each window
bounds = [day + timedelta(hours=h, minutes=m) for h, m, _ in deploys] + [day + timedelta(days=1)]
lines = []
for (start, end), rate in zip(zip(bounds, bounds[1:]), rates):
    minutes = int((end - start).total_seconds() // 60)
    count = round(rate * minutes / 60)
    for _ in range(count):
        t = start + timedelta(seconds=r.randint(1, minutes * 60 - 1))
        lines.append((t, f'ERROR {r.choice(["db timeout", "null response", "upstream 502", "parse failure"])}'))
lines.append((day + timedelta(hours=9, minutes=30), 'ERROR migration lock held'))
lines.append((day + timedelta(hours=15), 'ERROR cache cold start'))
for _ in range(200):
    lines.append((day + timedelta(seconds=r.randint(0, 86399)), r.choice(['INFO request ok', 'WARN slow request', 'INFO cache hit'])))
lines.sort(key=lambda l: l[0])
with open('/app/logs/app.log', 'w') as f:
    for t, text in lines:
        f.write(f'[{t:%Y-%m-%d %H:%M:%S}] {text}\n')
