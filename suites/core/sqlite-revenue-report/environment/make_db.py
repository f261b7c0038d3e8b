import random
import sqlite3

r = random.Random(2023)
db = sqlite3.connect('/app/sales.db')
db.executescript('''
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, region TEXT NOT NULL);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id),
                     order_date TEXT NOT NULL, status TEXT NOT NULL);
CREATE TABLE order_items (order_id INTEGER NOT NULL REFERENCES orders(id), sku TEXT NOT NULL,
                          qty INTEGER NOT NULL, unit_price REAL NOT NULL);
''')
regions = ['north', 'south', 'east', 'west']
for c in range(1, 41):
    db.execute('INSERT INTO customers VALUES (?, ?, ?)', (c, f'customer {c}', regions[c % 4]))
oid = 0
for year in (2022, 2023, 2024):
    for month in range(1, 13):
        for _ in range(r.randint(3, 7)):
            oid += 1
            day = r.randint(1, 28)
            date = f'{year}-{month:02d}-{day:02d}'
            if r.random() < 0.4:
                date += f' {r.randint(0, 23):02d}:{r.randint(0, 59):02d}:00'
            status = r.choices(['paid', 'refunded', 'cancelled'], [8, 1, 1])[0]
            db.execute('INSERT INTO orders VALUES (?, ?, ?, ?)', (oid, r.randint(1, 40), date, status))
            for _ in range(r.randint(1, 3)):
                db.execute('INSERT INTO order_items VALUES (?, ?, ?, ?)',
                           (oid, f'SKU-{r.randint(100, 120)}', r.randint(1, 5), r.randint(199, 9999) / 100))
# year-end orders with a time of day
for cust, when, status in [(3, '2023-12-31 18:45:00', 'paid'), (6, '2023-12-31 09:10:00', 'paid'),
                           (9, '2023-12-31', 'paid'), (12, '2024-01-01 00:05:00', 'paid'), (15, '2022-12-31 23:59:00', 'paid')]:
    oid += 1
    db.execute('INSERT INTO orders VALUES (?, ?, ?, ?)', (oid, cust, when, status))
    db.execute('INSERT INTO order_items VALUES (?, ?, ?, ?)', (oid, 'SKU-999', 2, 150.25))
db.commit()
