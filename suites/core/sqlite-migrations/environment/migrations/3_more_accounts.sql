INSERT INTO accounts (name, balance_cents) VALUES ('erin', 150), ('frank', 730000);
PRAGMA user_version = 3;
