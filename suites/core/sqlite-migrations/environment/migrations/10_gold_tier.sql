UPDATE accounts SET tier = 'gold' WHERE balance_cents >= 100000;
PRAGMA user_version = 10;
