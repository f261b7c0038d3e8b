set -e
t=1700000000
commit() { t=$((t + 3600)); GIT_AUTHOR_DATE="@$t +0000" GIT_COMMITTER_DATE="@$t +0000" git commit -q -m "$1"; }
git init -q -b main /app/repo
cd /app/repo
mkdir -p src docs
echo "version = 1.0.0" > VERSION
for f in auth cache db http; do printf 'def %s():\n    return "%s v1"\n' "$f" "$f" > "src/$f.py"; done
echo "changelog" > docs/CHANGES.md
git add .; commit "release 1.0.0"
git checkout -q -b release/1.x
echo "version = 1.0.1" > VERSION; git add .; commit "release: open 1.0.x"
git tag v1.0.1-base
git checkout -q -b develop main
printf 'def auth():\n    return "auth v1 (token expiry fixed)"\n' > src/auth.py; git add .; commit "fix: auth token expiry off by one"
printf 'def search():\n    return "search"\n' > src/search.py; git add .; commit "feat: search endpoint"
printf 'def cache():\n    return "cache v1 (eviction fixed)"\n' > src/cache.py; git add .; commit "fix: cache eviction order"
echo "changelog (edited)" > docs/CHANGES.md; git add .; commit "chore: tidy changelog"
printf 'def db():\n    return "db v1 (pool leak fixed)"\n' > src/db.py; git add .; commit "fix: db connection pool leak"
printf 'def export():\n    return "export"\n' > src/export.py; git add .; commit "feat: csv export"
printf 'def http():\n    return "http v1 (timeout fixed)"\n' > src/http.py; git add .; commit "fix: http client timeout"
git checkout -q main
