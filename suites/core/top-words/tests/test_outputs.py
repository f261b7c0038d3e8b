import re
from pathlib import Path

OUT = Path('/app/top_words.txt')
EXPECTED = [(9, 'river'), (9, 'stone'), (8, 'lantern'), (7, 'copper'), (7, 'harbor'), (7, 'meadow'),
            (6, 'falcon'), (6, 'willow'), (5, 'ember'), (5, 'glacier')]


def rows():
    return OUT.read_text().splitlines()


def test_file_exists():
    assert OUT.is_file()


def test_line_format():
    lines = rows()
    assert len(lines) == 10
    for line in lines:
        assert re.fullmatch(r'[1-9][0-9]* [a-z]+', line), line


def test_order():
    pairs = [(int(c), w) for c, w in (line.split(' ') for line in rows())]
    assert pairs == sorted(pairs, key=lambda p: (-p[0], p[1]))


def test_no_stopwords():
    stop = set(Path('/app/stopwords.txt').read_text().split())
    assert not {line.split(' ')[1] for line in rows()} & stop


def test_exact_content():
    assert [(int(c), w) for c, w in (line.split(' ') for line in rows())] == EXPECTED
