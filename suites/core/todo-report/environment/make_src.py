import os
files = {
    'app/main.py': '''import sys
# TODO: parse arguments properly
def main():
    x = 1  # FIXME(ana): off by one when empty
    # todo: lowercase is not a tag
    return x  # TODOS are not tags either
''',
    'app/util/strings.py': '''def slug(s):
    # TODO(lee): handle unicode
    return s.lower()  # FIXME: strip punctuation too
''',
    'lib/queue.c': '''#include <stdlib.h>
/* TODO: grow the buffer instead of failing */
int push(int v) { return v; } // FIXME(kim): check bounds
/* FIXMES and XTODO are not tags */
''',
    'web/app.js': '''// TODO: debounce clicks
function f() { return 1; } // TODO(ana): remove this
''',
    'web/app.min.js': 'function g(){return 2}/* TODO: minified files count too */\n',
    'vendor/lib.py': '# TODO: vendored code is excluded\n',
    'vendor/deep/x.c': '// FIXME: also excluded\n',
    'docs/notes.txt': 'Plain text counts as well.\nTODO: write the docs\n',
}
for p, text in files.items():
    full = os.path.join('/app/src', p)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    open(full, 'w').write(text)
with open('/app/src/app/cache.bin', 'wb') as f:
    f.write(b'\x00\x01TODO: binary files are skipped\n\x00')
