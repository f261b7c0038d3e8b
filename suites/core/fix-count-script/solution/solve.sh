#!/bin/bash
# Reference solution: the script uses bash arrays under #!/bin/sh (dash), does not quote paths and
# counts lines with wc -l (misses a last line without newline); rewrite it for bash.
# tack-step: run the script to see the failure
# tack-artifact: /app/count_rows.sh
# tack-pitfall: /app/count_rows.sh "/app/samples/q1 data"
bash /app/count_rows.sh "/app/samples/q1 data"
# tack-step: rewrite the script for bash with quoting, nullglob and a robust line count
cat > /app/count_rows.sh <<'SH'
#!/bin/bash
# Usage: count_rows.sh DIR
# Prints "NAME: N rows" for each CSV file in DIR (N excludes the header line), then "total: SUM".
if [ $# -lt 1 ]; then
  echo "usage: count_rows.sh DIR" >&2
  exit 2
fi
dir=$1
shopt -s nullglob
export LC_ALL=C
files=("$dir"/*.csv)
total=0
for f in "${files[@]}"; do
  n=$(awk 'NR > 1' "$f" | wc -l)
  echo "$(basename "$f"): $n rows"
  total=$((total + n))
done
echo "total: $total"
SH
# tack-step: run it again
/app/count_rows.sh "/app/samples/q1 data"
# tack-check: test "$(/app/count_rows.sh '/app/samples/q1 data' | tail -n 1)" = "total: 4" && test "$(/app/count_rows.sh "$(mktemp -d)" 2>&1)" = "total: 0"
