#!/bin/bash
# Reference solution: a python3 script; fnmatchcase on relative paths, filecmp for content.
# tack-step: write the script
# tack-artifact: /app/bin/mirror
mkdir -p /app/bin
cat > /app/bin/mirror <<'PY'
#!/usr/bin/python3
import filecmp, fnmatch, os, shutil, sys

args = sys.argv[1:]
dry = bool(args) and args[0] == '--dry-run'
if dry:
    args = args[1:]
if len(args) != 2 or not all(os.path.isdir(a) for a in args):
    print('usage: mirror [--dry-run] SRC DST (both existing directories)', file=sys.stderr)
    sys.exit(2)
src, dst = args
patterns = []
if os.path.isfile(os.path.join(src, '.mirrorignore')):
    patterns = [l.strip() for l in open(os.path.join(src, '.mirrorignore')) if l.strip()]


def ignored(rel):
    return rel == '.mirrorignore' or any(fnmatch.fnmatchcase(rel, p) for p in patterns)


def files(root):
    out = set()
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            if os.path.isfile(p) and not os.path.islink(p):
                out.add(os.path.relpath(p, root))
    return {r for r in out if not ignored(r)}


s, t = files(src), files(dst)
actions = []
for rel in s:
    if rel not in t or not filecmp.cmp(os.path.join(src, rel), os.path.join(dst, rel), shallow=False):
        actions.append(('copy', rel))
for rel in t - s:
    actions.append(('delete', rel))
actions.sort(key=lambda a: a[1].encode())
for verb, rel in actions:
    print(verb, rel)
    if dry:
        continue
    if verb == 'copy':
        os.makedirs(os.path.dirname(os.path.join(dst, rel)), exist_ok=True)
        shutil.copyfile(os.path.join(src, rel), os.path.join(dst, rel))
    else:
        os.remove(os.path.join(dst, rel))
if not dry:
    for d, _, _ in sorted(os.walk(dst), key=lambda w: -len(w[0])):
        rel = os.path.relpath(d, dst)
        if d != dst and not os.listdir(d) and not os.path.isdir(os.path.join(src, rel)):
            os.rmdir(d)
PY
chmod +x /app/bin/mirror
# tack-step: try it on a small example
rm -rf /tmp/m && mkdir -p /tmp/m/src/sub /tmp/m/dst/old && echo a > /tmp/m/src/sub/a && echo b > /tmp/m/dst/old/b && /app/bin/mirror --dry-run /tmp/m/src /tmp/m/dst && /app/bin/mirror /tmp/m/src /tmp/m/dst && find /tmp/m/dst
# tack-check: rm -rf /tmp/mc && mkdir -p /tmp/mc/s /tmp/mc/d/x && echo 1 > /tmp/mc/s/f && echo 2 > /tmp/mc/d/x/g && test "$(/app/bin/mirror /tmp/mc/s /tmp/mc/d | tr '\n' ' ')" = "copy f delete x/g " && test ! -e /tmp/mc/d/x && test -z "$(/app/bin/mirror /tmp/mc/s /tmp/mc/d)"
