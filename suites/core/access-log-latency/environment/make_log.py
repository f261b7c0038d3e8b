import random
from datetime import datetime, timedelta

r = random.Random(1234)
counts = {'/api/items': 40, '/api/orders': 60, '/login': 20, '/static/app.js': 33, '/api/search': 27}
lines = []
t0 = datetime(2024, 3, 10, 13, 0, 0)
for path, n in counts.items():
    for k in range(n):
        t = t0 + timedelta(seconds=r.randint(0, 3600))
        method = 'POST' if path in ('/login', '/api/orders') and r.random() < 0.5 else 'GET'
        query = f'?id={r.randint(1, 99)}' if path.startswith('/api') and r.random() < 0.6 else ''
        status = r.choices([200, 201, 304, 404, 500, 502, 503], [60, 5, 5, 5, 2, 1, 1])[0]
        ms = r.randint(5, 400) if r.random() < 0.9 else r.randint(400, 3000)
        ip = f'198.51.100.{r.randint(1, 254)}'
        lines.append((t, f'{ip} - - [{t.strftime("%d/%b/%Y:%H:%M:%S")} +0000] "{method} {path}{query} HTTP/1.1" {status} {r.randint(100, 9000)} "-" "Mozilla/5.0 (X11; Linux x86_64)" {ms / 1000:.3f}'))
lines.sort()
out = [l for _, l in lines]
out.insert(17, '198.51.100.3 - - [10/Mar/2024:13:20:00 +0000] "-" 400 0 "-" "-" -')
out.insert(50, 'garbage line without the expected format')
out.insert(90, '198.51.100.4 - - [10/Mar/2024:13:40:00 +0000] "GET /api/items HTTP/1.1" 200 120 "-" "curl/8.0" -')
with open('/app/access.log', 'w') as f:
    f.write('\n'.join(out) + '\n')
