#!/bin/bash
# Verifier: exact library and inbox contents after the import, and the summary counts.
mkdir -p /logs/verifier
if python3 - <<'PY'
import os, sys
def tree(root):
    out = {}
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            out[os.path.relpath(p, root)] = open(p, 'rb').read()
    return out
library = {
    '2022/12/20221231_235959.jpg': b'jpeg:fireworks',
    '2022/12/20221231_235959.mp4': b'mp4:fireworks',
    '2023/01/20230101_000501.mp4': b'mp4:party',
    '2023/01/20230102_101112.jpg': b'jpeg:snow-older-import',
    '2023/01/20230102_101112-2.jpg': b'jpeg:snow',
    '2023/04/20230415_123000.jpg': b'jpeg:beach',
    '2023/04/20230415_123000-2.jpg': b'jpeg:beach-edited',
    '2023/04/20230416_080102.jpg': b'jpeg:sunrise',
}
inbox = {
    'IMG_20230102_101112.jpg.part': b'partial download',
    'IMG_2023_bad_name.jpg': b'jpeg:unknown',
    'notes.txt': b'not media',
}
got_lib, got_inbox = tree('/app/library'), tree('/app/inbox')
assert got_inbox == inbox, f'inbox: {sorted(got_inbox)}'
assert set(got_lib) == set(library), f'library files: {sorted(set(got_lib) ^ set(library))}'
for k, v in library.items():
    assert got_lib[k] == v, f'{k} has the wrong content'
try:
    summary = open('/app/import_summary.txt').read().split('\n')
except OSError:
    sys.exit('missing /app/import_summary.txt')
assert [l for l in summary if l] == ['moved 7', 'duplicates 1', 'skipped 3'], summary
PY
then echo 1 > /logs/verifier/reward.txt; else echo 0 > /logs/verifier/reward.txt; fi
