import sys

from tracker.models import load
from tracker.report import render


def main():
    if len(sys.argv) != 3 or sys.argv[1] != 'report':
        sys.exit('usage: python3 -m tracker report TIMESHEET.csv')
    print(render(load(sys.argv[2])), end='')
