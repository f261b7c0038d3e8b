#!/bin/bash
# Reference solution: parse defensively, normalise to UTC, sort, split on gaps over 30 minutes.
# tack-step: look at the data, including the broken lines
# tack-artifact: /app/sessions.csv
# tack-artifact: /app/sessions_summary.json
head -n 5 /app/events.jsonl
grep -vc '^{.*}$' /app/events.jsonl
# tack-step: write the sessioniser
cat > /app/sessionize.py <<'PY'
import csv, json
from datetime import datetime, timedelta, timezone

events, skipped = [], 0
with open('/app/events.jsonl') as f:
    for line in f:
        try:
            d = json.loads(line)
            if not isinstance(d, dict) or not all(isinstance(d.get(k), str) for k in ('user', 'ts', 'type', 'page')):
                raise ValueError('fields')
            t = datetime.fromisoformat(d['ts'].replace('Z', '+00:00'))
            if t.tzinfo is None:
                raise ValueError('no offset')
        except ValueError:
            skipped += 1
            continue
        events.append((d['user'], t.astimezone(timezone.utc), d['page']))
events.sort()
sessions = []
for user, t, page in events:
    last = sessions[-1] if sessions else None
    if last and last['user'] == user and t - last['end'] <= timedelta(minutes=30):
        last['end'] = t
        last['events'] += 1
        last['pages'].add(page)
    else:
        sessions.append({'user': user, 'start': t, 'end': t, 'events': 1, 'pages': {page}})
fmt = lambda t: t.strftime('%Y-%m-%dT%H:%M:%SZ')
with open('/app/sessions.csv', 'w', newline='') as f:
    w = csv.writer(f)
    w.writerow(['user', 'session_start', 'session_end', 'events', 'pages'])
    for s in sessions:
        w.writerow([s['user'], fmt(s['start']), fmt(s['end']), s['events'], len(s['pages'])])
summary = {'valid_events': len(events), 'skipped_lines': skipped, 'users': len({e[0] for e in events}),
           'sessions': len(sessions)}
json.dump(summary, open('/app/sessions_summary.json', 'w'))
print(summary)
PY
# tack-step: run it
python3 /app/sessionize.py
# tack-check: python3 -c "import json; s = json.load(open('/app/sessions_summary.json')); n = sum(1 for _ in open('/app/events.jsonl')); assert s['valid_events'] + s['skipped_lines'] == n, (s, n)" && test "$(($(wc -l < /app/sessions.csv) - 1))" = "$(python3 -c "import json; print(json.load(open('/app/sessions_summary.json'))['sessions'])")"
head -n 5 /app/sessions.csv
