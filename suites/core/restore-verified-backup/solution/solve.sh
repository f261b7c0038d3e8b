#!/bin/bash
# Reference solution: test every backup (gzip, tar, manifest) before trusting it; the newest is
# truncated and the next one fails its manifest.
# tack-step: list the backups
# tack-artifact: /app/restore.txt
ls -l /app/backups
# tack-step: check the newest backup before extracting it
# tack-pitfall: tar -xzf /app/backups/site-2024-06-15.tar.gz -C /app
gzip -t /app/backups/site-2024-06-15.tar.gz
# tack-step: verify each backup in a scratch directory, newest first
rm -rf /tmp/verify && mkdir -p /tmp/verify
for b in $(ls -r /app/backups); do d=/tmp/verify/$b; mkdir -p "$d"; if tar -xzf "/app/backups/$b" -C "$d" 2>/dev/null && (cd "$d" && sha256sum --quiet -c MANIFEST.sha256 >/dev/null 2>&1 && test "$(find site -type f | wc -l)" = "$(wc -l < MANIFEST.sha256)"); then echo "$b" >> /tmp/verify/intact.txt; fi; done
cat /tmp/verify/intact.txt
# tack-step: restore from the newest intact one
rm -rf /app/site && cp -r "/tmp/verify/$(head -n 1 /tmp/verify/intact.txt)/site" /app/site
head -n 1 /tmp/verify/intact.txt > /app/restore.txt
# tack-check: cd /app && test -s restore.txt && mkdir -p /tmp/c && tar -xzf "backups/$(cat restore.txt)" -C /tmp/c && cd /tmp/c && sha256sum --quiet -c MANIFEST.sha256 && diff -r /tmp/c/site /app/site
cat /app/restore.txt
