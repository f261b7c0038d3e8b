from pathlib import Path

REPORT = Path('/app/todo_report.tsv')
EXPECTED = [
    ('app/main.py', 2, 'TODO', 'parse arguments properly'),
    ('app/main.py', 4, 'FIXME', 'off by one when empty'),
    ('app/util/strings.py', 2, 'TODO', 'handle unicode'),
    ('app/util/strings.py', 3, 'FIXME', 'strip punctuation too'),
    ('docs/notes.txt', 2, 'TODO', 'write the docs'),
    ('lib/queue.c', 2, 'TODO', 'grow the buffer instead of failing'),
    ('lib/queue.c', 3, 'FIXME', 'check bounds'),
    ('web/app.js', 1, 'TODO', 'debounce clicks'),
    ('web/app.js', 2, 'TODO', 'remove this'),
    ('web/app.min.js', 1, 'TODO', 'minified files count too'),
]


def rows():
    out = []
    for line in REPORT.read_text().splitlines():
        parts = line.split('\t')
        assert len(parts) == 4, f'not 4 tab-separated fields: {line!r}'
        out.append((parts[0], int(parts[1]), parts[2], parts[3]))
    return out


def test_report_exists():
    assert REPORT.is_file()


def test_no_vendor_or_binary():
    paths = {r[0] for r in rows()}
    assert not any(p.startswith('vendor/') for p in paths)
    assert 'app/cache.bin' not in paths


def test_sorted():
    got = rows()
    assert got == sorted(got, key=lambda r: (r[0].encode(), r[1]))


def test_markers_and_texts():
    assert rows() == EXPECTED


def test_sources_untouched():
    assert 'TODO(ana): remove this' in Path('/app/src/web/app.js').read_text()
