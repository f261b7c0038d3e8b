#!/bin/bash
# Reference solution: the two applied hunks are in place; apply the rejected split() hunk by hand
# below the local docstring and check, then clean up.
# tack-step: go to the library and look at the rejected hunk
# tack-artifact: /app/lib/money.py
# tack-env
cd /app/lib
cat money.py.rej
# tack-step: re-running patch does not help
# tack-pitfall: patch -p1 --forward < /app/patches/fix-rounding.patch
python3 -m unittest 2>&1 | tail -n 3
# tack-step: apply the rejected change by hand
python3 - <<'PY'
src = open('money.py').read()
old = "    share = total_cents // parts\n    return [share] * parts\n"
new = "    share, rest = divmod(total_cents, parts)\n    return [share + 1] * rest + [share] * (parts - rest)\n"
assert old in src
open('money.py', 'w').write(src.replace(old, new))
PY
# tack-step: remove the leftovers
rm -f money.py.rej money.py.orig
# tack-step: run the tests
python3 -m unittest -v
# tack-check: cd /app/lib && python3 -m unittest 2>&1 | tail -n 1 | grep -qx OK && test -z "$(ls *.rej *.orig 2>/dev/null)"
