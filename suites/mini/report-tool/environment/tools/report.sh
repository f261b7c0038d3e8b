#!/bin/bash
# Prints "<file>: <lines> lines, <words> words" for each file in /app/data, then a total line.
total=0
for f in /app/data/*.txt; do
  l=$(wc -l < "$f"); w=$(wc -w < "$f")
  echo "$(basename "$f"): $l lines, $w words"
  total=$((total + l))
done
echo "total: $total lines"
