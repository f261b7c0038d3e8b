CREATE TABLE audit (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, event TEXT NOT NULL);
PRAGMA user_version = 4;
