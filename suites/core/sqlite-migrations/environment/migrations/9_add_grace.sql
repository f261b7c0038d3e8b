INSERT INTO accounts (name, balance_cents, email) VALUES ('grace', 120000, 'grace@example.com');
PRAGMA user_version = 9;
