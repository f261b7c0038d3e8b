#!/bin/bash
# Reference solution: lowercase, trim, drop blanks, sort unique in the C locale.
# tack-step: clean and sort the names
# tack-artifact: /app/names_clean.txt
tr 'A-Z' 'a-z' < /app/names.txt | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' | grep -v '^$' | LC_ALL=C sort -u > /app/names_clean.txt
# tack-step: check the result
# tack-check: test -s /app/names_clean.txt && ! grep -qE '^[[:space:]]|[[:space:]]$|[A-Z]|^$' /app/names_clean.txt && LC_ALL=C sort -cu /app/names_clean.txt
cat /app/names_clean.txt
