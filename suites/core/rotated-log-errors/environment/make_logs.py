import gzip
import os
import random
from datetime import datetime, timedelta

r = random.Random(606)
os.makedirs('/app/logs', exist_ok=True)
codes = ['E1001', 'E1042', 'E2002', 'E3300', 'E4040']
start = datetime(2024, 5, 30, 0, 0, 0)
lines = []
t = start
while t < datetime(2024, 6, 3, 12, 0, 0):
    t += timedelta(seconds=r.randint(60, 900))
    level = r.choices(['INFO', 'WARN', 'ERROR'], [14, 3, 3])[0]
    code = r.choice(codes)
    msg = {'INFO': f'INFO [{code}] retried after ERROR, now ok', 'WARN': f'WARN [{code}] slow response',
           'ERROR': f'ERROR [{code}] request failed'}[level]
    lines.append(f'{t:%Y-%m-%d %H:%M:%S} {msg}')
# newest lines go to app.log, older ones to app.log.1, app.log.2.gz, ...
size = len(lines) // 5 + 1
parts = [lines[i:i + size] for i in range(0, len(lines), size)]
names = ['app.log.4.gz', 'app.log.3.gz', 'app.log.2.gz', 'app.log.1', 'app.log']
for name, part in zip(names, parts):
    data = ''.join(l + '\n' for l in part).encode()
    path = os.path.join('/app/logs', name)
    if name.endswith('.gz'):
        with open(path, 'wb') as raw, gzip.GzipFile(fileobj=raw, mode='wb', mtime=0, filename='') as f:
            f.write(data)
    else:
        open(path, 'wb').write(data)
