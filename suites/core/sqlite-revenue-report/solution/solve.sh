#!/bin/bash
# Reference solution: filter the year on the date prefix; a BETWEEN on the full text would drop
# orders placed on December 31 with a time of day.
# tack-step: look at the schema and the dates
# tack-artifact: /app/revenue_2023.csv
sqlite3 /app/sales.db '.schema'
sqlite3 /app/sales.db "SELECT order_date, status FROM orders ORDER BY order_date DESC LIMIT 5"
# tack-draft-begin
# sqlite3 -header -csv /app/sales.db "SELECT c.region, substr(o.order_date, 1, 7) AS month, printf('%.2f', sum(i.qty * i.unit_price)) AS revenue FROM orders o JOIN customers c ON c.id = o.customer_id JOIN order_items i ON i.order_id = o.id WHERE o.status = 'paid' AND o.order_date BETWEEN '2023-01-01' AND '2023-12-31' GROUP BY 1, 2 ORDER BY 1, 2" > /app/revenue_2023.csv
# tack-draft-end
# tack-step: aggregate paid 2023 orders by region and month
sqlite3 -header -csv /app/sales.db "SELECT c.region, substr(o.order_date, 1, 7) AS month, printf('%.2f', sum(i.qty * i.unit_price)) AS revenue FROM orders o JOIN customers c ON c.id = o.customer_id JOIN order_items i ON i.order_id = o.id WHERE o.status = 'paid' AND substr(o.order_date, 1, 4) = '2023' GROUP BY 1, 2 ORDER BY 1, 2" > /app/revenue_2023.csv
# tack-check: python3 -c "import csv, sqlite3; total = sqlite3.connect('/app/sales.db').execute(\"SELECT sum(i.qty * i.unit_price) FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.status = 'paid' AND o.order_date >= '2023' AND o.order_date < '2024'\").fetchone()[0]; s = sum(float(r['revenue']) for r in csv.DictReader(open('/app/revenue_2023.csv'))); assert abs(s - total) < 0.05, (s, total)"
head -n 5 /app/revenue_2023.csv
