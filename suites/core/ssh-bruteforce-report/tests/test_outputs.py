import csv

EXPECTED = [
    ['203.0.113.5', '8', '2024-03-03T10:00:00', '2024-03-03T10:02:20', 'yes'],
    ['198.51.100.200', '6', '2024-03-03T08:30:00', '2024-03-04T00:02:40', 'no'],
    ['203.0.113.99', '6', '2024-03-03T14:40:00', '2024-03-03T14:43:45', 'yes'],
    ['192.0.2.150', '5', '2024-03-03T16:20:00', '2024-03-03T16:21:30', 'no'],
    ['192.0.2.77', '5', '2024-03-03T13:00:00', '2024-03-03T13:10:00', 'yes'],
]


def rows():
    with open('/app/bruteforce.csv', newline='') as f:
        return list(csv.reader(f))


def test_header():
    assert rows()[0] == ['ip', 'failures', 'first_failure', 'last_failure', 'compromised']


def test_sources():
    assert sorted(r[0] for r in rows()[1:]) == sorted(r[0] for r in EXPECTED)


def test_slow_attacker_not_flagged():
    assert '198.51.100.23' not in [r[0] for r in rows()[1:]]


def test_repeated_message_counted():
    assert ['192.0.2.150', '5'] in [r[:2] for r in rows()[1:]]


def test_exact_rows_and_order():
    assert rows()[1:] == EXPECTED
