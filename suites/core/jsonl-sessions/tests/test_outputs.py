import csv
import json
import re


def load_csv(path):
    with open(path, newline='') as f:
        return list(csv.reader(f))


def test_header():
    assert load_csv('/app/sessions.csv')[0] == ['user', 'session_start', 'session_end', 'events', 'pages']


def test_time_format():
    for row in load_csv('/app/sessions.csv')[1:]:
        assert re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ', row[1]) and re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ', row[2])


def test_sessions_exact():
    got = load_csv('/app/sessions.csv')
    want = load_csv('/tests/expected.csv')
    assert len(got) == len(want), f'{len(got) - 1} sessions, want {len(want) - 1}'
    for g, w in zip(got[1:], want[1:]):
        assert g == w


def test_summary():
    with open('/app/sessions_summary.json') as f:
        got = json.load(f)
    with open('/tests/expected_summary.json') as f:
        want = json.load(f)
    assert got == want
