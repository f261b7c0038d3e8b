#!/bin/bash
# Reference solution: a shell glob sorts 10_ and 11_ before 2_; sort the names numerically.
# tack-step: list the migrations
# tack-artifact: /app/app.db
ls /app/migrations
cat /app/migrations/README.txt
# tack-draft-begin
# rm -f /app/app.db; for f in /app/migrations/*.sql; do sqlite3 -bail /app/app.db < "$f" || break; done
# tack-draft-end
# tack-step: apply the .sql files in numeric order to a new database
rm -f /app/app.db; for f in $(ls /app/migrations | grep '\.sql$' | sort -n); do sqlite3 -bail /app/app.db < "/app/migrations/$f" || break; done
# tack-check: test "$(sqlite3 /app/app.db 'PRAGMA user_version')" = "$(ls /app/migrations | grep '\.sql$' | sort -n | tail -n 1 | cut -d_ -f1)"
sqlite3 /app/app.db "SELECT * FROM accounts"
