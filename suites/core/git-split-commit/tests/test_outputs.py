import subprocess

REPO = '/app/repo'


def git(*args):
    return subprocess.run(['git', '-C', REPO, *args], capture_output=True, text=True, check=True).stdout


def test_subjects():
    assert git('log', '--format=%s', 'main').splitlines() == ['Add parser', 'Fix typo in README', 'Initial commit']


def test_first_commit_only_readme():
    assert git('show', '--format=', '--name-only', 'main~1').split() == ['README.md']


def test_second_commit_rest():
    assert sorted(git('show', '--format=', '--name-only', 'main').split()) == ['io_utils.py', 'parser.py']


def test_base_is_original():
    assert git('log', '-1', '--format=%s%n%at', 'main~2').split('\n')[:2] == ['Initial commit', '1700003600']


def test_final_content():
    assert 'key=value files' in git('show', 'main:README.md')
    assert 'def parse(text)' in git('show', 'main:parser.py')
    assert git('show', 'main:io_utils.py').endswith('import parser\n')
    assert sorted(git('ls-tree', '--name-only', 'main').split()) == ['README.md', 'io_utils.py', 'parser.py']
    assert 'fiels' not in git('show', 'main~1:README.md')
    assert 'import parser' not in git('show', 'main~1:io_utils.py')


def test_clean_on_main():
    assert git('symbolic-ref', 'HEAD').strip() == 'refs/heads/main'
    assert git('status', '--porcelain') == ''
