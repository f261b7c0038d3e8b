UPDATE accounts SET balance_cents = balance_cents - 500 WHERE tier = 'basic' AND balance_cents >= 500;
INSERT INTO audit (account_id, event) SELECT id, 'fee' FROM accounts WHERE tier = 'basic' AND balance_cents >= 0 AND name != 'erin';
PRAGMA user_version = 11;
