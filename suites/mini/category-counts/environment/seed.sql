CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL, price REAL NOT NULL, discontinued INTEGER NOT NULL DEFAULT 0);
INSERT INTO products (name, category, price, discontinued) VALUES
 ('hammer', 'tools', 12.5, 0), ('wrench', 'tools', 9.0, 0), ('saw', 'tools', 20.0, 1),
 ('apple', 'food', 0.5, 0), ('bread', 'food', 2.2, 0), ('cheese', 'food', 6.1, 0), ('caviar', 'food', 90.0, 1),
 ('lamp', 'home', 30.0, 0), ('rug', 'home', 55.0, 0),
 ('fax', 'office', 99.0, 1), ('pager', 'office', 15.0, 1),
 ('paint', 'art', 7.0, 0);
