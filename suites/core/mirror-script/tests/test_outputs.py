import os
import subprocess
import pytest

MIRROR = '/app/bin/mirror'


def write(root, rel, text):
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)


def tree(root):
    out = {}
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            out[os.path.relpath(p, root)] = open(p).read()
    return out


@pytest.fixture
def dirs(tmp_path):
    src, dst = tmp_path / 'src dir', tmp_path / 'dst'
    src.mkdir()
    dst.mkdir()
    for rel, text in {'a.txt': 'A', 'same.txt': 'same', 'sub/b.txt': 'B2', 'sub/deep/c.txt': 'C',
                      'with space.txt': 'S', 'x.tmp': 'tmp-src', '.mirrorignore': '*.tmp\ncache/*\n\nkeep-me.txt\n'}.items():
        write(src, rel, text)
    for rel, text in {'same.txt': 'same', 'sub/b.txt': 'B1', 'old.txt': 'O', 'gone/z.txt': 'Z', 'y.tmp': 'tmp-dst',
                      'cache/blob': 'cached', 'keep-me.txt': 'K', 'gone/deeper/q.txt': 'Q'}.items():
        write(dst, rel, text)
    os.utime(dst / 'same.txt', (1000000000, 1000000000))
    return src, dst


EXPECTED = ['copy a.txt', 'delete gone/deeper/q.txt', 'delete gone/z.txt', 'delete old.txt', 'copy sub/b.txt',
            'copy sub/deep/c.txt', 'copy with space.txt']


def run(*args):
    return subprocess.run([MIRROR, *map(str, args)], capture_output=True, text=True, timeout=30)


def test_mirror(dirs):
    src, dst = dirs
    r = run(src, dst)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == sorted(EXPECTED, key=lambda l: l.split(' ', 1)[1].encode())
    assert tree(dst) == {'a.txt': 'A', 'same.txt': 'same', 'sub/b.txt': 'B2', 'sub/deep/c.txt': 'C',
                         'with space.txt': 'S', 'y.tmp': 'tmp-dst', 'cache/blob': 'cached', 'keep-me.txt': 'K'}
    assert not (dst / 'gone').exists()
    assert os.stat(dst / 'same.txt').st_mtime == 1000000000, 'an equal file was rewritten'


def test_second_run_is_quiet(dirs):
    src, dst = dirs
    run(src, dst)
    r = run(src, dst)
    assert r.returncode == 0 and r.stdout == ''


def test_dry_run(dirs):
    src, dst = dirs
    before = tree(dst)
    r = run('--dry-run', src, dst)
    assert r.returncode == 0
    assert sorted(r.stdout.splitlines()) == sorted(EXPECTED)
    assert tree(dst) == before and (dst / 'gone').is_dir()


def test_source_untouched(dirs):
    src, dst = dirs
    before = tree(src)
    run(src, dst)
    assert tree(src) == before


@pytest.mark.parametrize('args', [[], ['{s}'], ['{s}', '{t}/missing']])
def test_usage(dirs, args):
    src, dst = dirs
    r = run(*[a.format(s=src, t=dst.parent) for a in args])
    assert r.returncode == 2 and r.stderr.strip()
