#!/bin/bash
# Reference solution: link libm (-lm), skip blank and comment lines before atof.
# tack-step: build the tool as it is
# tack-artifact: /app/stats_report.txt
# tack-artifact: /app/bin/stats
# tack-pitfall: gcc -O2 -o /app/bin/stats /app/src/stats.c
gcc -O2 -o /app/bin/stats /app/src/stats.c -lm
# tack-step: see the wrong result
/app/bin/stats < /app/data/measurements.txt
# tack-step: skip blank and comment lines
python3 - <<'PY'
src = open('/app/src/stats.c').read()
old = "        double x = atof(line);\n"
new = ("        char *p = line;\n"
       "        while (*p == ' ' || *p == '\\t')\n"
       "            p++;\n"
       "        if (*p == '#' || *p == '\\n' || *p == '\\0')\n"
       "            continue;\n"
       "        double x = atof(p);\n")
assert old in src
open('/app/src/stats.c', 'w').write(src.replace(old, new))
PY
sed -n '/while (fgets/,/n++/p' /app/src/stats.c
# tack-step: rebuild and write the report
gcc -O2 -o /app/bin/stats /app/src/stats.c -lm
/app/bin/stats < /app/data/measurements.txt > /app/stats_report.txt
# tack-check: grep -qx 'count 6' /app/stats_report.txt && test "$(printf '1\n\n# c\n3\n' | /app/bin/stats | head -n 1)" = "count 2"
cat /app/stats_report.txt
