from collections import defaultdict

from tracker.models import Entry


def fmt_minutes(minutes):
    return f'{minutes // 60}h{minutes % 60:02d}m'


def render(entries: list[Entry]):
    per_project = defaultdict(int)
    for e in entries:
        per_project[e.project] += e.minutes
    lines = [f'{p}: {fmt_minutes(m)}' for p, m in sorted(per_project.items(), key=lambda pm: (-pm[1], pm[0]))]
    lines.append(f'total: {fmt_minutes(sum(per_project.values()))}')
    return '\n'.join(lines) + '\n'
