#!/bin/sh
# Usage: count_rows.sh DIR
# Prints "NAME: N rows" for each CSV file in DIR (N excludes the header line), then "total: SUM".
dir=$1
files=($dir/*.csv)
total=0
for f in ${files[@]}; do
  n=$(tail -n +2 $f | wc -l)
  echo "$(basename $f): $n rows"
  total=$((total + n))
done
echo "total: $total"
