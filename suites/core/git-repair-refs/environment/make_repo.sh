set -e
t=1700000000
commit() { t=$((t + 3600)); GIT_AUTHOR_DATE="@$t +0000" GIT_COMMITTER_DATE="@$t +0000" git commit -q -m "$1"; }
git init -q -b main /app/project
cd /app/project
printf '# Project\n' > README.md; printf 'print("v1")\n' > main.py; git add .; commit "start project"
printf 'print("v2")\n' > main.py; git add .; commit "main: v2"
git checkout -q -b feature
printf 'def extra():\n    return 1\n' > extra.py; git add .; commit "feature: extra()"
printf 'def extra():\n    return 2\n' > extra.py; git add .; commit "feature: extra returns 2"
git checkout -q main
printf '# Project\n\nUsage: python3 main.py\n' > README.md; git add .; commit "docs: usage"
printf 'print("v3")\n' > main.py; git add .; commit "main: v3"
printf '# Project\n\nUsage: python3 main.py\n\nWork in progress: new section.\n' > README.md
mkdir notes; printf 'remember the release\n' > notes/todo.txt
: > .git/refs/heads/main
printf '3f2a\n' > .git/refs/heads/feature
head -c 40 .git/index > .git/index.tmp && mv .git/index.tmp .git/index
