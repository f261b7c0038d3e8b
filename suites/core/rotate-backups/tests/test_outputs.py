import os
import subprocess
import pytest

SCRIPT = '/app/bin/rotate-backups'
FILES = ['db-2024-01-01.tar.gz', 'db-2024-01-03.tar.gz', 'db-2023-12-31.tar.gz', 'db-2024-01-02.tar.gz',
         'web app-2024-02-01.tar.gz', 'web app-2024-01-15.tar.gz', 'web app-2023-11-30.tar.gz',
         'db-old-2020-05-05.tar.gz', 'db-old-2020-05-06.tar.gz', 'notes.txt', 'db-2024-01-04.tar', 'solo-2024-05-05.tar.gz']


@pytest.fixture
def fixture_dir(tmp_path):
    for n in FILES:
        (tmp_path / n).write_text(n)
    (tmp_path / 'sub').mkdir()
    (tmp_path / 'sub' / 'db-2000-01-01.tar.gz').write_text('nested')
    return tmp_path


def run(*args):
    return subprocess.run([SCRIPT, *map(str, args)], capture_output=True, text=True, timeout=20)


def test_executable():
    assert os.access(SCRIPT, os.X_OK)


def test_keep_two(fixture_dir):
    r = run(fixture_dir, 2)
    assert r.returncode == 0, r.stderr
    deleted = ['db-2023-12-31.tar.gz', 'db-2024-01-01.tar.gz', 'web app-2023-11-30.tar.gz']
    assert r.stdout.splitlines() == [str(fixture_dir / n) for n in deleted]
    left = sorted(p.name for p in fixture_dir.iterdir())
    assert left == sorted(set(FILES) - set(deleted) | {'sub'})
    assert (fixture_dir / 'sub' / 'db-2000-01-01.tar.gz').exists()


def test_keep_one(fixture_dir):
    r = run(fixture_dir, 1)
    assert r.returncode == 0, r.stderr
    deleted = sorted(['db-2023-12-31.tar.gz', 'db-2024-01-01.tar.gz', 'db-2024-01-02.tar.gz',
                      'web app-2023-11-30.tar.gz', 'web app-2024-01-15.tar.gz', 'db-old-2020-05-05.tar.gz'])
    assert r.stdout.splitlines() == sorted(str(fixture_dir / n) for n in deleted)
    assert (fixture_dir / 'solo-2024-05-05.tar.gz').exists()
    assert (fixture_dir / 'db-old-2020-05-06.tar.gz').exists()


def test_keep_many_deletes_nothing(fixture_dir):
    r = run(fixture_dir, 10)
    assert r.returncode == 0 and r.stdout == ''
    assert len(list(fixture_dir.iterdir())) == len(FILES) + 1


@pytest.mark.parametrize('args', [[], ['x'], ['{d}', '0'], ['{d}', '-1'], ['{d}', 'two'], ['{d}', '2', 'extra']])
def test_usage_errors(fixture_dir, args):
    r = run(*[a.format(d=fixture_dir) for a in args])
    assert r.returncode == 2 and r.stdout == '' and r.stderr.strip()
    assert len(list(fixture_dir.iterdir())) == len(FILES) + 1


def test_missing_dir(tmp_path):
    r = run(tmp_path / 'nope', 2)
    assert r.returncode == 1 and r.stderr.strip() and r.stdout == ''
