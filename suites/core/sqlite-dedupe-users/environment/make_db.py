import sqlite3

db = sqlite3.connect('/app/users.db')
db.executescript('''
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE logins (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), at TEXT NOT NULL);
''')
users = [
    (1, 'ann@example.com', 'Ann', '2024-01-01'), (2, 'bob@example.com', 'Bob', '2024-01-02'),
    (3, 'Ann@Example.com', 'Ann B.', '2024-01-05'), (4, 'carol@example.com', 'Carol', '2024-01-06'),
    (5, 'bob@example.com', 'Bobby', '2024-01-07'), (6, ' dave@example.com', 'Dave', '2024-01-08'),
    (7, 'DAVE@example.com ', 'David', '2024-01-09'), (8, 'erin@example.com', 'Erin', '2024-01-10'),
    (9, 'ann@example.com', 'Annie', '2024-01-11'), (10, 'Frank@Example.com', 'Frank', '2024-01-12'),
]
db.executemany('INSERT INTO users VALUES (?, ?, ?, ?)', users)
logins = [(1, 1), (2, 3), (3, 9), (4, 2), (5, 5), (6, 5), (7, 4), (8, 7), (9, 6), (10, 8), (11, 10), (12, 3)]
db.executemany('INSERT INTO logins VALUES (?, ?, ?)', [(i, u, f'2024-02-{i:02d}') for i, u in logins])
db.commit()
