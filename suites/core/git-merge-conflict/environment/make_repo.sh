set -e
t=1700000000
commit() { t=$((t + 3600)); GIT_AUTHOR_DATE="@$t +0000" GIT_COMMITTER_DATE="@$t +0000" git commit -q -m "$1"; }
git init -q -b main /app/repo
cd /app/repo
printf '__pycache__/\n' > .gitignore
cat > app.py <<'PY'
import json
import sys


def load_config(path='config.json'):
    with open(path) as f:
        return json.load(f)


def greet(name):
    return 'Hello, ' + name


def main():
    cfg = load_config()
    name = sys.argv[1] if len(sys.argv) > 1 else cfg['default_name']
    print(greet(name))


if __name__ == '__main__':
    main()
PY
printf '{\n  "default_name": "world"\n}\n' > config.json
git add .; commit "greeter: first version"
git checkout -q -b feature/i18n
cat > app.py <<'PY'
import json
import sys

GREETINGS = {'en': 'Hello', 'fr': 'Bonjour', 'de': 'Hallo'}


def load_config(path='config.json'):
    with open(path) as f:
        return json.load(f)


def greet(name, lang='en'):
    return GREETINGS[lang] + ', ' + name


def main():
    cfg = load_config()
    args = sys.argv[1:]
    lang = cfg['lang']
    if args[:1] == ['--lang']:
        lang, args = args[1], args[2:]
    name = args[0] if args else cfg['default_name']
    print(greet(name, lang))


if __name__ == '__main__':
    main()
PY
printf '{\n  "default_name": "world",\n  "lang": "en"\n}\n' > config.json
git add .; commit "i18n: greet in several languages"
git checkout -q main
cat > app.py <<'PY'
import json
import sys


def load_config(path='config.json'):
    with open(path) as f:
        return json.load(f)


def greet(name, punct='!'):
    return 'Hello, ' + name + punct


def main():
    cfg = load_config()
    name = sys.argv[1] if len(sys.argv) > 1 else cfg['default_name']
    print(greet(name, cfg['punctuation']))


if __name__ == '__main__':
    main()
PY
printf '{\n  "default_name": "World",\n  "punctuation": "!"\n}\n' > config.json
git add .; commit "greeter: configurable punctuation"
