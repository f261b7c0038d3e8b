import json
import random
from datetime import datetime, timedelta, timezone

r = random.Random(314)
users = ['u1', 'u2', 'u3', 'u4', 'u5']
pages = ['/home', '/search', '/item/1', '/item/2', '/cart', '/checkout', '/help']
base = datetime(2024, 3, 1, 8, 0, tzinfo=timezone.utc)
lines = []
for u in users:
    t = base + timedelta(minutes=r.randint(0, 120))
    for _ in range(r.randint(12, 25)):
        gap = r.choice([1, 2, 3, 5, 8, 12, 29, 30, 31, 45, 90, 240])
        t += timedelta(minutes=gap, seconds=r.choice([0, 0, 15, 59]) if gap not in (30, 31) else 0)
        offset = r.choice([0, 0, 0, 1, 2, -5])
        local = t.astimezone(timezone(timedelta(hours=offset)))
        ts = local.strftime('%Y-%m-%dT%H:%M:%S') + ('Z' if offset == 0 else local.strftime('%z')[:3] + ':' + local.strftime('%z')[3:])
        lines.append(json.dumps({'user': u, 'ts': ts, 'type': r.choice(['view', 'click']), 'page': r.choice(pages)}))
r.shuffle(lines)
bad = ['{"user": "u1", "ts": "2024-03-01T09:00:00Z", "type": "view"', 'not json at all', '',
       '{"user": "u2", "type": "view", "page": "/home"}', '{"ts": "2024-03-01T09:00:00Z", "page": "/x", "type": "view"}',
       '[1, 2, 3]', '{"user": "u3", "ts": "yesterday", "type": "view", "page": "/home"}']
for b in bad:
    lines.insert(r.randint(0, len(lines)), b)
with open('/app/events.jsonl', 'w') as f:
    f.write('\n'.join(lines) + '\n')
