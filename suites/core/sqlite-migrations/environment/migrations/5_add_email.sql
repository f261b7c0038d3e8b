ALTER TABLE accounts ADD COLUMN email TEXT;
PRAGMA user_version = 5;
