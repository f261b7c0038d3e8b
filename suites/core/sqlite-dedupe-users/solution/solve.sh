#!/bin/bash
# Reference solution: the unique index cannot be created while duplicates exist; merge first.
# tack-step: look at the duplicates
# tack-artifact: /app/users.db
sqlite3 /app/users.db "SELECT lower(trim(email)) AS e, group_concat(id) FROM users GROUP BY e HAVING count(*) > 1"
# tack-step: re-point logins, delete duplicates, normalise emails, in one transaction
# tack-pitfall: sqlite3 /app/users.db "CREATE UNIQUE INDEX users_email_unique ON users(email)"
sqlite3 /app/users.db "BEGIN; UPDATE logins SET user_id = (SELECT min(k.id) FROM users u JOIN users k ON lower(trim(k.email)) = lower(trim(u.email)) WHERE u.id = logins.user_id); DELETE FROM users WHERE id NOT IN (SELECT min(id) FROM users GROUP BY lower(trim(email))); UPDATE users SET email = lower(trim(email)); COMMIT;"
# tack-step: create the unique index
sqlite3 /app/users.db "CREATE UNIQUE INDEX users_email_unique ON users(email)"
# tack-check: test "$(sqlite3 /app/users.db 'SELECT count(*) FROM logins WHERE user_id NOT IN (SELECT id FROM users)')" = 0 && test "$(sqlite3 /app/users.db 'SELECT count(*) FROM logins')" = 12 && sqlite3 /app/users.db "PRAGMA index_list(users)" | grep -q 'users_email_unique|1'
sqlite3 /app/users.db "SELECT * FROM users"
