import os
import subprocess
import pytest

RETRY = '/app/bin/retry'
FLAKY = '''#!/bin/bash
# fails with status 7 until it has been called $1 times, then echoes its remaining arguments
n=$(( $(cat "$COUNTER" 2>/dev/null || echo 0) + 1 )); echo $n > "$COUNTER"
[ $n -ge "$1" ] || { echo "flaky: call $n" >&2; exit 7; }
shift; printf '<%s>' "$@"; echo
'''


@pytest.fixture
def flaky(tmp_path, monkeypatch):
    script = tmp_path / 'flaky'
    script.write_text(FLAKY)
    script.chmod(0o755)
    monkeypatch.setenv('COUNTER', str(tmp_path / 'count'))
    return tmp_path


def run(args, tmp):
    r = subprocess.run([RETRY, *args], capture_output=True, text=True, timeout=30, cwd=tmp)
    count = int((tmp / 'count').read_text()) if (tmp / 'count').exists() else 0
    return r, count


def test_executable():
    assert os.access(RETRY, os.X_OK)


def test_success_after_failures(flaky):
    r, count = run(['-n', '5', '--', str(flaky / 'flaky'), '3', 'a b', '*'], flaky)
    assert r.returncode == 0
    assert count == 3
    assert r.stdout == '<a b><*>\n'
    assert r.stderr.count('flaky: call') == 2
    assert 'retry: attempt 1/5 failed with status 7' in r.stderr
    assert 'retry: attempt 2/5 failed with status 7' in r.stderr
    assert 'attempt 3/5' not in r.stderr


def test_gives_up_with_last_status(flaky):
    r, count = run(['-n', '2', '-d', '0.1', '--', str(flaky / 'flaky'), '9'], flaky)
    assert r.returncode == 7 and count == 2
    assert 'retry: attempt 2/2 failed with status 7' in r.stderr


def test_default_three_attempts(flaky):
    r, count = run(['--', str(flaky / 'flaky'), '10'], flaky)
    assert r.returncode == 7 and count == 3


def test_first_try(flaky):
    r, count = run(['--', 'true'], flaky)
    assert r.returncode == 0 and r.stderr == '' and count == 0


def test_status_passthrough(flaky):
    r, _ = run(['-n', '1', '--', 'sh', '-c', 'exit 42'], flaky)
    assert r.returncode == 42


@pytest.mark.parametrize('args', [['CMD'], ['--'], ['-n', '0', '--', 'CMD'], ['-n', 'x', '--', 'CMD'],
                                  ['-d', '-1', '--', 'CMD'], ['-d', 'abc', '--', 'CMD'], ['-z', '--', 'CMD'],
                                  ['-n', '2', 'CMD']])
def test_usage(flaky, args):
    argv = [str(flaky / 'flaky') if a == 'CMD' else a for a in args] + (['1'] if 'CMD' in args else [])
    r, count = run(argv, flaky)
    assert r.returncode == 64 and r.stderr.strip()
    assert count == 0, 'the command ran despite a usage error'
