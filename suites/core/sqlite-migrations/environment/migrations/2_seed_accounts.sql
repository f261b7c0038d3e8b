INSERT INTO accounts (name, balance_cents) VALUES ('alice', 250000), ('bob', 4200), ('carol', 99999), ('dan', 100000);
PRAGMA user_version = 2;
