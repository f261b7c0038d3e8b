#!/bin/bash
# Reference solution: the tool ships without the execute bit; add it, then run the tool.
# tack-step: look at the tool
# tack-artifact: /app/report.txt
ls -l /app/tools /app/data
# tack-step: make the tool executable and run it
# tack-pitfall: /app/tools/report.sh > /app/report.txt
chmod +x /app/tools/report.sh
/app/tools/report.sh > /app/report.txt
# tack-check: test -x /app/tools/report.sh && grep -q '^total: ' /app/report.txt
cat /app/report.txt
