set -e
t=1700000000
commit() { t=$((t + 3600)); GIT_AUTHOR_DATE="@$t +0000" GIT_COMMITTER_DATE="@$t +0000" git commit -q -m "$1"; }
git init -q -b main /app/repo
cd /app/repo
printf '# Parsr\n\nA tiny parser for key=value fiels.\n' > README.md
printf 'def load(path):\n    return open(path).read()\n' > io_utils.py
git add .; commit "Initial commit"
printf 'def parse(text):\n    out = {}\n    for line in text.splitlines():\n        if "=" in line:\n            k, v = line.split("=", 1)\n            out[k.strip()] = v.strip()\n    return out\n' > parser.py
sed -i 's/fiels/files/' README.md
printf 'import parser\n' >> io_utils.py
git add .; commit "Add parser and fix typo in README"
