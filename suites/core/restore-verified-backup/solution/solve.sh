#!/bin/bash
# Reference solution: test every backup (gzip, tar, manifest) before trusting it; the newest is
# truncated and the next one fails its manifest.
# tack-step: list the backups
# tack-artifact: /app/restore.txt
# tack-artifact: /app/site/index.html
ls -l /app/backups
# tack-step: check the newest backup before extracting it
# tack-pitfall: tar -xzf /app/backups/site-2024-06-15.tar.gz -C /app
gzip -t /app/backups/site-2024-06-15.tar.gz
# tack-step: verify each backup in a scratch directory (kept until the restore), newest first
rm -rf /app/verify && mkdir -p /app/verify
for b in $(ls -r /app/backups); do d=/app/verify/$b; mkdir -p "$d"; if tar -xzf "/app/backups/$b" -C "$d" 2>/dev/null && (cd "$d" && sha256sum --quiet -c MANIFEST.sha256 >/dev/null 2>&1 && test "$(find site -type f | wc -l)" = "$(wc -l < MANIFEST.sha256)"); then echo "$b" >> /app/verify/intact.txt; fi; done
cat /app/verify/intact.txt
# tack-step: restore from the newest intact one
rm -rf /app/site && cp -r "/app/verify/$(head -n 1 /app/verify/intact.txt)/site" /app/site
head -n 1 /app/verify/intact.txt > /app/restore.txt
# tack-step: remove the scratch directory
rm -rf /app/verify
# tack-check: cd /app && test -s restore.txt && mkdir -p /tmp/c && tar -xzf "backups/$(cat restore.txt)" -C /tmp/c && cd /tmp/c && sha256sum --quiet -c MANIFEST.sha256 && diff -r /tmp/c/site /app/site
cat /app/restore.txt
