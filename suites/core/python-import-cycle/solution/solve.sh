#!/bin/bash
# Reference solution: models and report import each other at module level (an import cycle), and
# parse_duration fails on minutes-only durations; import lazily and default the hours to 0.
# tack-step: run it to see the crash
# tack-artifact: /app/report.txt
python3 -m tracker report /app/timesheet.csv
# tack-step: break the import cycle: report only needs Entry for a type hint
sed -i '/^from tracker.models import Entry$/d' /app/tracker/report.py
sed -i 's/^def render(entries: list\[Entry\]):$/def render(entries: list):/' /app/tracker/report.py
# tack-step: run again
python3 -m tracker report /app/timesheet.csv
# tack-step: minutes-only durations have no hours group
sed -i 's/return int(m.group(1)) \* 60 + int(m.group(2) or 0)/return int(m.group(1) or 0) * 60 + int(m.group(2) or 0)/' /app/tracker/models.py
# tack-step: write the report
python3 -m tracker report /app/timesheet.csv > /app/report.txt
# tack-check: cd /app && python3 -m tracker report timesheet.csv | tail -n 1 | grep -qx 'total: 9h15m' && python3 -c "from tracker.models import parse_duration as p; assert p('45m') == 45 and p('2h') == 120"
cat /app/report.txt
