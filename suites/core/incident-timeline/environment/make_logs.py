import os
import random
from datetime import datetime, timedelta, timezone

r = random.Random(77)
UTC = timezone.utc
CEST = timezone(timedelta(hours=2))
base = datetime(2024, 5, 2, 14, 0, 0, tzinfo=UTC)
logs = {'gateway': [], 'payments': [], 'db': [], 'worker': []}


def fmt(source, t, text):
    if source == 'gateway':
        return t.strftime('%Y-%m-%dT%H:%M:%S.') + f'{t.microsecond // 1000:03d}Z ' + text
    if source == 'payments':
        return t.astimezone(CEST).strftime('%d/%b/%Y:%H:%M:%S %z') + ' [payments] ' + text
    if source == 'db':
        return f'{(t - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)} ' + text
    return t.strftime('%b ') + f'{t.day:2d} ' + t.strftime('%H:%M:%S') + ' worker[311]: ' + text


def add(source, t, text):
    logs[source].append((t, fmt(source, t, text)))


at = lambda s, ms=0: base + timedelta(seconds=s, milliseconds=ms)
add('gateway', at(185, 1), 'INFO req=7f3a9c method=POST path=/checkout start')
add('payments', at(187), 'INFO request 7f3a9c: charging card')
add('db', at(188, 120), 'WARN conn=12 slow query 2890ms (req 7f3a9c)')
add('gateway', at(190), 'WARN req=7f3a9c upstream=payments slow')
add('payments', at(190), 'ERROR request 7f3a9c: card processor timeout after 3000ms')
add('gateway', at(191, 250), 'ERROR req=7f3a9c status=502 upstream=payments')
add('worker', at(192), 'retry job for req=7f3a9c')
add('worker', at(220), 'job for req=7f3a9c gave up after 3 attempts')
add('gateway', at(189, 500), 'ERROR req=7f3a9c1 status=500 upstream=search')
add('db', at(186, 5), 'WARN conn=7 slow query 1200ms (req 7f3a9c1)')
add('payments', at(150), 'ERROR request 9b1e22: card declined')
for source in logs:
    for _ in range(25):
        rid = ''.join(r.choice('0123456789abcdef') for _ in range(6))
        t = at(r.randint(0, 600), r.randint(0, 999) if source in ('gateway', 'db') else 0)
        text = {'gateway': f'INFO req={rid} status=200 path=/items',
                'payments': f'INFO request {rid}: charging card',
                'db': f'INFO conn={r.randint(1, 20)} query ok {r.randint(1, 90)}ms (req {rid})',
                'worker': f'job for req={rid} done'}[source]
        add(source, t, text)
os.makedirs('/app/logs', exist_ok=True)
for source, entries in logs.items():
    entries.sort(key=lambda e: e[0])
    with open(f'/app/logs/{source}.log', 'w') as f:
        f.write(''.join(line + '\n' for _, line in entries))
