INSERT INTO audit (account_id, event) SELECT id, 'created' FROM accounts;
PRAGMA user_version = 8;
