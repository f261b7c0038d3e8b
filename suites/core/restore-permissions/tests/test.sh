#!/bin/bash
# Verifier: every mode, including names with spaces or backslashes and the unlisted files; contents kept.
mkdir -p /logs/verifier
if python3 - <<'PY'
import os, stat
want = {'.': 0o750, 'bin': 0o755, 'bin/run.sh': 0o755, 'bin/helper tool.sh': 0o750, 'etc': 0o750,
        'etc/app.conf': 0o640, 'etc/secret.key': 0o600, 'etc/old\\backup.conf': 0o600, 'public': 0o755,
        'public/index.html': 0o644, 'public/my photo.jpg': 0o644, 'private': 0o700, 'private/notes.txt': 0o600,
        'public/new upload.txt': 0o600, 'private/draft.md': 0o600}
got = {'.': stat.S_IMODE(os.stat('/app/data').st_mode)}
for d, dirs, files in os.walk('/app/data'):
    for n in dirs + files:
        p = os.path.join(d, n)
        got[os.path.relpath(p, '/app/data')] = stat.S_IMODE(os.lstat(p).st_mode)
assert set(got) == set(want), f'paths changed: {sorted(set(got) ^ set(want))}'
bad = {k: oct(v) for k, v in got.items() if v != want[k]}
assert not bad, f'wrong modes: {bad}'
assert open('/app/data/etc/old\\backup.conf').read() == 'port=80\n'
assert open('/app/data/bin/helper tool.sh').read() == '#!/bin/sh\necho help\n'
PY
then echo 1 > /logs/verifier/reward.txt; else echo 0 > /logs/verifier/reward.txt; fi
