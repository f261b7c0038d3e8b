#!/bin/bash
# Verifier: schema version, exact account rows (tiers and fees depend on the order), audit rows.
mkdir -p /logs/verifier
if python3 - <<'PY'
import os, sqlite3, sys
if not os.path.exists('/app/app.db'):
    sys.exit('missing /app/app.db')
db = sqlite3.connect('file:/app/app.db?mode=ro', uri=True)
assert db.execute('PRAGMA user_version').fetchone()[0] == 11, 'user_version'
rows = db.execute('SELECT name, balance_cents, tier, email FROM accounts ORDER BY id').fetchall()
assert rows == [('alice', 250000, 'gold', 'alice@example.com'), ('bob', 3700, 'basic', 'bob@example.com'),
                ('carol', 99499, 'basic', 'carol@example.com'), ('dan', 100000, 'gold', 'dan@example.com'),
                ('erin', 150, 'basic', 'erin@example.com'), ('frank', 730000, 'gold', 'frank@example.com'),
                ('grace', 120000, 'gold', 'grace@example.com')], rows
audit = db.execute('SELECT account_id, event FROM audit ORDER BY id').fetchall()
assert audit == [(i, 'created') for i in range(1, 7)] + [(2, 'fee'), (3, 'fee')], audit
idx = [r[1] for r in db.execute('PRAGMA index_list(accounts)')]
assert 'accounts_email' in idx
PY
then echo 1 > /logs/verifier/reward.txt; else echo 0 > /logs/verifier/reward.txt; fi
