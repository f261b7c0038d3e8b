import subprocess
import sys

import pytest

REPORT = 'apollo: 3h45m\nhermes: 3h30m\nzephyr: 2h00m\ntotal: 9h15m\n'


def run(path):
    return subprocess.run([sys.executable, '-m', 'tracker', 'report', str(path)], cwd='/app', capture_output=True,
                          text=True, timeout=20)


def test_report_file():
    with open('/app/report.txt') as f:
        assert f.read() == REPORT


def test_command_on_given_timesheet():
    r = run('/app/timesheet.csv')
    assert r.returncode == 0, r.stderr
    assert r.stdout == REPORT


def test_command_on_other_timesheet(tmp_path):
    p = tmp_path / 't.csv'
    p.write_text('day,project,duration\nd1,b,59m\nd1,a,1m\nd2,a,58m\nd3,c,10h5m\n')
    r = run(p)
    assert r.returncode == 0, r.stderr
    assert r.stdout == 'c: 10h05m\na: 0h59m\nb: 0h59m\ntotal: 12h03m\n'


@pytest.mark.parametrize('text,minutes', [('45m', 45), ('2h', 120), ('1h30m', 90), (' 0h5m ', 5)])
def test_parse_duration(text, minutes):
    sys.path.insert(0, '/app')
    from tracker.models import parse_duration
    assert parse_duration(text) == minutes


@pytest.mark.parametrize('text', ['', 'h', '5', '1h30', 'abc'])
def test_parse_duration_rejects(text):
    sys.path.insert(0, '/app')
    from tracker.models import parse_duration
    with pytest.raises(ValueError):
        parse_duration(text)


def test_functions_in_place():
    sys.path.insert(0, '/app')
    from tracker import models, report
    assert callable(models.load) and callable(report.render) and report.fmt_minutes(61) == '1h01m'
