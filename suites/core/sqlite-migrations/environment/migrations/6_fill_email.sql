UPDATE accounts SET email = name || '@example.com';
PRAGMA user_version = 6;
