#!/bin/bash
# Reference solution: read the manifest with IFS=tab and read -r (backslashes are literal), then
# lock down whatever the manifest does not list.
# tack-step: look at the manifest and the tree
# tack-artifact: /app/data
cat -A /app/perms.manifest
find /app/data | sort
# tack-draft-begin
# while read mode path; do chmod "$mode" "/app/data/$path"; done < /app/perms.manifest
# tack-draft-end
# tack-step: apply the manifest, then lock down paths it does not list
while IFS=$'\t' read -r mode path; do chmod "$mode" "/app/data/$path"; done < /app/perms.manifest
cut -f2- /app/perms.manifest | sed 's|^|/app/data/|; s|/\.$||' | sort > /app/listed.txt
find /app/data -mindepth 1 -type f | sort | comm -23 - /app/listed.txt | while IFS= read -r f; do chmod 600 "$f"; done
find /app/data -mindepth 1 -type d | sort | comm -23 - /app/listed.txt | while IFS= read -r d; do chmod 700 "$d"; done
rm -f /app/listed.txt
# tack-check: test -z "$(find /app/data -perm /o=w)" && test -z "$(find /app/data/private -perm /o=rwx)" && test "$(stat -c %a '/app/data/etc/old\backup.conf')" = 600
find /app/data -printf '%m %p\n' | sort -k2
