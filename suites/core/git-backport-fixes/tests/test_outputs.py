import re
import subprocess

REPO = '/app/repo'
FIXES = ['fix: auth token expiry off by one', 'fix: cache eviction order', 'fix: db connection pool leak',
         'fix: http client timeout']


def git(*args):
    return subprocess.run(['git', '-C', REPO, *args], capture_output=True, text=True, check=True).stdout.strip()


def test_release_history():
    subjects = git('log', '--reverse', '--format=%s', 'v1.0.1-base..release/1.x').splitlines()
    assert subjects == FIXES
    assert git('rev-parse', 'release/1.x~4') == git('rev-parse', 'v1.0.1-base')


def test_provenance():
    develop = dict(reversed(line.split(' ', 1)) for line in git('log', '--format=%H %s', 'main..develop').splitlines())
    for rev in git('rev-list', '--reverse', 'v1.0.1-base..release/1.x').splitlines():
        subject = git('log', '-1', '--format=%s', rev)
        m = re.search(r'\(cherry picked from commit ([0-9a-f]{40})\)', git('log', '-1', '--format=%B', rev))
        assert m and m.group(1) == develop[subject], subject


def test_release_content():
    files = git('ls-tree', '-r', '--name-only', 'release/1.x').split()
    assert 'src/search.py' not in files and 'src/export.py' not in files
    assert git('show', 'release/1.x:docs/CHANGES.md') == 'changelog'
    assert git('show', 'release/1.x:VERSION') == 'version = 1.0.1'
    for f, word in [('auth', 'expiry'), ('cache', 'eviction'), ('db', 'pool'), ('http', 'timeout')]:
        assert word in git('show', f'release/1.x:src/{f}.py')


def test_other_refs_unchanged():
    assert git('log', '--format=%s', 'main') == 'release 1.0.0'
    assert git('rev-list', '--count', 'main..develop') == '7'
    assert git('log', '-1', '--format=%s', 'develop') == 'fix: http client timeout'
    assert git('log', '-1', '--format=%s', 'v1.0.1-base') == 'release: open 1.0.x'


def test_clean_on_main():
    assert git('symbolic-ref', 'HEAD') == 'refs/heads/main'
    assert git('status', '--porcelain') == ''
