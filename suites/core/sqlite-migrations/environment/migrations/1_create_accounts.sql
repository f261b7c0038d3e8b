CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT NOT NULL, balance_cents INTEGER NOT NULL, tier TEXT NOT NULL DEFAULT 'basic');
PRAGMA user_version = 1;
