#!/bin/bash
# Reference solution: one grouped query with a CSV header.
# tack-step: look at the table
# tack-artifact: /app/counts.csv
sqlite3 /app/shop.db '.schema products'
# tack-step: query the counts into the CSV
sqlite3 -header -csv /app/shop.db "SELECT category, count(*) AS count FROM products WHERE discontinued = 0 GROUP BY category ORDER BY category" > /app/counts.csv
# tack-check: test "$(head -n 1 /app/counts.csv)" = "category,count" && ! grep -q '^office' /app/counts.csv
cat /app/counts.csv
