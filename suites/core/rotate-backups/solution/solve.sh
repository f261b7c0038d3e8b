#!/bin/bash
# Reference solution: group by NAME with a sed split, sort dates descending, drop the first KEEP.
# tack-step: write the script
# tack-artifact: /app/bin/rotate-backups
mkdir -p /app/bin
cat > /app/bin/rotate-backups <<'SH'
#!/bin/bash
usage() { echo "usage: rotate-backups DIR KEEP" >&2; exit 2; }
[ $# -eq 2 ] || usage
dir=$1 keep=$2
[[ $keep =~ ^[0-9]+$ ]] && [ "$keep" -ge 1 ] || usage
[ -d "$dir" ] || { echo "rotate-backups: $dir is not a directory" >&2; exit 1; }
shopt -s nullglob
declare -A names
for f in "$dir"/*.tar.gz; do
  base=${f##*/}
  [[ -f $f && $base =~ ^(.+)-([0-9]{4}-[0-9]{2}-[0-9]{2})\.tar\.gz$ ]] || continue
  names[${BASH_REMATCH[1]}]=1
done
for name in "${!names[@]}"; do
  for f in "$dir/$name"-*.tar.gz; do
    base=${f##*/}
    [[ $base =~ ^(.+)-([0-9]{4}-[0-9]{2}-[0-9]{2})\.tar\.gz$ && ${BASH_REMATCH[1]} == "$name" ]] || continue
    printf '%s\t%s\n' "${BASH_REMATCH[2]}" "$f"
  done | sort -r | tail -n +$((keep + 1)) | cut -f2-
done | LC_ALL=C sort | while IFS= read -r f; do rm -f -- "$f" && printf '%s\n' "$f"; done
SH
chmod +x /app/bin/rotate-backups
# tack-step: try it on a copy of the samples
rm -rf /tmp/rb && cp -r /app/backups /tmp/rb && /app/bin/rotate-backups /tmp/rb 2 && ls /tmp/rb
# tack-check: rm -rf /tmp/rbc && cp -r /app/backups /tmp/rbc && test "$(/app/bin/rotate-backups /tmp/rbc 1 | wc -l)" -eq 4 && test -e "/tmp/rbc/web app-2024-03-04.tar.gz" && test -e /tmp/rbc/README.txt
# tack-check: /app/bin/rotate-backups /tmp 0 2>/dev/null; test $? -eq 2
