import csv
import re
from dataclasses import dataclass

from tracker.report import fmt_minutes


@dataclass
class Entry:
    day: str
    project: str
    minutes: int

    def __str__(self):
        return f'{self.day} {self.project} {fmt_minutes(self.minutes)}'


def parse_duration(text):
    """'1h30m' -> 90, '2h' -> 120, '45m' -> 45."""
    m = re.fullmatch(r'(?:(\d+)h)?(?:(\d+)m)?', text.strip())
    if not m or not text.strip():
        raise ValueError(f'bad duration: {text!r}')
    return int(m.group(1)) * 60 + int(m.group(2) or 0)


def load(path):
    with open(path, newline='') as f:
        return [Entry(r['day'], r['project'], parse_duration(r['duration'])) for r in csv.DictReader(f)]
