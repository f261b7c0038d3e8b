import json
import os
import shutil
import subprocess
import tempfile
import pytest

REPO = '/app/repo'


def git(*args):
    return subprocess.run(['git', '-C', REPO, *args], capture_output=True, text=True, check=True).stdout.strip()


def test_merge_commit():
    parents = git('log', '-1', '--format=%P', 'main').split()
    assert len(parents) == 2
    assert git('log', '-1', '--format=%s', parents[0]) == 'greeter: configurable punctuation'
    assert parents[1] == git('rev-parse', 'feature/i18n')
    assert git('log', '-1', '--format=%s', 'feature/i18n') == 'i18n: greet in several languages'


def test_clean_on_main():
    assert git('symbolic-ref', 'HEAD') == 'refs/heads/main'
    assert git('status', '--porcelain') == ''


def test_no_conflict_markers():
    for f in ('app.py', 'config.json'):
        text = git('show', f'main:{f}')
        assert '<<<<<<<' not in text and '>>>>>>>' not in text and '=======' not in text


def test_config():
    assert json.loads(git('show', 'main:config.json')) == {'default_name': 'World', 'punctuation': '!', 'lang': 'en'}


@pytest.fixture(scope='module')
def checkout():
    d = tempfile.mkdtemp()
    for f in ('app.py', 'config.json'):
        with open(os.path.join(d, f), 'w') as out:
            out.write(git('show', f'main:{f}') + '\n')
    yield d
    shutil.rmtree(d)


@pytest.mark.parametrize('args,expected', [([], 'Hello, World!'), (['Ada'], 'Hello, Ada!'),
                                           (['--lang', 'fr', 'Ada'], 'Bonjour, Ada!'), (['--lang', 'de'], 'Hallo, World!')])
def test_behaviour(checkout, args, expected):
    r = subprocess.run(['python3', 'app.py', *args], cwd=checkout, capture_output=True, text=True, timeout=20)
    assert r.returncode == 0 and r.stdout.strip() == expected


def test_reads_config(checkout):
    cfg = os.path.join(checkout, 'config.json')
    with open(cfg, 'w') as f:
        json.dump({'default_name': 'Bob', 'punctuation': '?', 'lang': 'fr'}, f)
    r = subprocess.run(['python3', 'app.py'], cwd=checkout, capture_output=True, text=True, timeout=20)
    assert r.stdout.strip() == 'Bonjour, Bob?'
