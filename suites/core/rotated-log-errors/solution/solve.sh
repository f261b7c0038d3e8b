#!/bin/bash
# Reference solution: zcat -f reads plain and compressed rotations alike; match the level field.
# tack-step: see which rotations cover the day
# tack-artifact: /app/error_counts.txt
ls -l /app/logs
for f in /app/logs/app.log*; do echo "$f: $(zcat -f "$f" | head -n 1 | cut -c1-10) .. $(zcat -f "$f" | tail -n 1 | cut -c1-10)"; done
# tack-draft-begin
# grep -h '^2024-06-01 [0-9:]* ERROR ' /app/logs/app.log /app/logs/app.log.1 | sed -E 's/.*\[(E[0-9]+)\].*/\1/' | sort | uniq -c | awk '{ print $2, $1 }' | sort -k2,2nr -k1,1 > /app/error_counts.txt
# tack-draft-end
# tack-step: count over every rotation, compressed or not
zcat -f /app/logs/app.log* | grep '^2024-06-01 [0-9:]* ERROR ' | sed -E 's/.*\[(E[0-9]+)\].*/\1/' | sort | uniq -c | awk '{ print $2, $1 }' | sort -k2,2nr -k1,1 > /app/error_counts.txt
# tack-check: test "$(awk '{ s += $2 } END { print s }' /app/error_counts.txt)" = "$(zcat -f /app/logs/app.log* | grep -c '^2024-06-01 [0-9:]* ERROR ')"
cat /app/error_counts.txt
