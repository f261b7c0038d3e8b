set -e
S=/app/srv
mkdir -p $S/releases $S/shared $S/state
printf 'DB_URL=sqlite:////app/srv/shared/app.db\nWORKERS=2\n' > $S/shared/config.env
release() {
  r=$S/releases/$1
  mkdir -p "$r/bin" "$r/lib"
  echo "$1" > "$r/VERSION"
  printf '#!/bin/bash\nd=$(cd "$(dirname "$0")/.." && pwd)\n[ -f "$d/lib/app.py" ] && [ -r "$d/config.env" ] || { echo "FAIL"; exit 1; }\necho "OK $(cat "$d/VERSION")"\n' > "$r/bin/healthcheck"
  chmod 755 "$r/bin/healthcheck"
  printf 'print("app %s")\n' "$1" > "$r/lib/app.py"
  ln -s ../../shared/config.env "$r/config.env"
  (cd "$r" && sha256sum VERSION bin/healthcheck lib/app.py > MANIFEST)
}
release 2024-06-01-1
release 2024-06-05-1
release 2024-06-09-1
rm "$S/releases/2024-06-09-1/lib/app.py"
touch "$S/releases/2024-06-09-1/.incomplete"
release 2024-06-07-1
printf 'print("tampered")\n' > "$S/releases/2024-06-07-1/lib/app.py"
ln -s releases/2024-06-09-1 $S/current
printf 'deploy 2024-06-01-1\ndeploy 2024-06-05-1\ndeploy 2024-06-07-1\n' > $S/state/history.log
printf 'pid=99999\nrelease=2024-06-09-1\n' > $S/state/deploy.lock
