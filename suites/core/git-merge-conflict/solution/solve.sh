#!/bin/bash
# Reference solution: merge, resolve both files by writing the combined versions, commit.
# tack-step: go to the repository and start the merge
# tack-artifact: /app/repo/app.py
# tack-env
cd /app/repo
git merge feature/i18n
git status --short
# tack-step: resolve app.py keeping languages and punctuation
cat > app.py <<'PY'
import json
import sys

GREETINGS = {'en': 'Hello', 'fr': 'Bonjour', 'de': 'Hallo'}


def load_config(path='config.json'):
    with open(path) as f:
        return json.load(f)


def greet(name, lang='en', punct='!'):
    return GREETINGS[lang] + ', ' + name + punct


def main():
    cfg = load_config()
    args = sys.argv[1:]
    lang = cfg['lang']
    if args[:1] == ['--lang']:
        lang, args = args[1], args[2:]
    name = args[0] if args else cfg['default_name']
    print(greet(name, lang, cfg['punctuation']))


if __name__ == '__main__':
    main()
PY
# tack-step: resolve config.json
printf '{\n  "default_name": "World",\n  "punctuation": "!",\n  "lang": "en"\n}\n' > config.json
# tack-step: try the merged program
python3 app.py
python3 app.py --lang fr Ada
# tack-step: conclude the merge
git add app.py config.json
git commit -q --no-edit
# tack-check: cd /app/repo && test "$(python3 app.py --lang de)" = "Hallo, World!" && test "$(python3 app.py Ada)" = "Hello, Ada!" && test "$(git log -1 --format=%P | wc -w)" = 2 && test -z "$(git status --porcelain)"
git log --oneline --graph -4
