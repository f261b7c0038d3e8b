#!/bin/bash
# Verifier: exact TOC between the markers, and the rest of the document unchanged.
mkdir -p /logs/verifier
if python3 - <<'PY'
doc = open('/app/GUIDE.md').read().split('\n')
orig = open('/tests/original.md').read().split('\n')
assert doc.count('<!-- toc -->') == 1 and doc.count('<!-- tocstop -->') == 1, 'markers missing or repeated'
a, b = doc.index('<!-- toc -->'), doc.index('<!-- tocstop -->')
oa, ob = orig.index('<!-- toc -->'), orig.index('<!-- tocstop -->')
assert doc[:a] == orig[:oa] and doc[b:] == orig[ob:], 'text outside the TOC changed'
toc = doc[a + 1:b]
expected = [
    '- [Getting Started](#getting-started)',
    '  - [Requirements & Setup](#requirements--setup)',
    '  - [Example](#example)',
    '- [Configuration (advanced)](#configuration-advanced)',
    '  - [Example](#example-1)',
    '  - [Options: `--verbose`, `--quiet`](#options---verbose---quiet)',
    '- [FAQ](#faq)',
]
assert not any('inside a code block' in l or 'not a heading' in l for l in toc), 'code-block lines listed'
assert toc == expected, f'TOC differs: {toc}'
PY
then echo 1 > /logs/verifier/reward.txt; else echo 0 > /logs/verifier/reward.txt; fi
