CREATE UNIQUE INDEX accounts_email ON accounts(email);
PRAGMA user_version = 7;
