#!/bin/bash
# Verifier: remaining users, re-pointed logins, normalised emails, and a working unique index.
mkdir -p /logs/verifier
if python3 - <<'PY'
import sqlite3, sys
db = sqlite3.connect('file:/app/users.db?mode=ro', uri=True)
users = db.execute('SELECT id, email, name, created_at FROM users ORDER BY id').fetchall()
assert users == [(1, 'ann@example.com', 'Ann', '2024-01-01'), (2, 'bob@example.com', 'Bob', '2024-01-02'),
                 (4, 'carol@example.com', 'Carol', '2024-01-06'), (6, 'dave@example.com', 'Dave', '2024-01-08'),
                 (8, 'erin@example.com', 'Erin', '2024-01-10'), (10, 'frank@example.com', 'Frank', '2024-01-12')], users
logins = db.execute('SELECT id, user_id, at FROM logins ORDER BY id').fetchall()
assert len(logins) == 12, 'logins lost'
assert [u for _, u, _ in logins] == [1, 1, 1, 2, 2, 2, 4, 6, 6, 8, 10, 1], logins
assert all(at == f'2024-02-{i:02d}' for i, _, at in logins), 'login times changed'
idx = {row[1]: row[2] for row in db.execute('PRAGMA index_list(users)')}
assert idx.get('users_email_unique') == 1, f'unique index missing: {idx}'
assert [r[2] for r in db.execute('PRAGMA index_info(users_email_unique)')] == ['email']
PY
then echo 1 > /logs/verifier/reward.txt; else echo 0 > /logs/verifier/reward.txt; fi
