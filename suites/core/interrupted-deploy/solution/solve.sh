#!/bin/bash
# Reference solution: verify every release against its manifest (the 2024-06-07 one is tampered,
# the 2024-06-09 one incomplete), then relink with ln -sfn and record the rollback.
# tack-step: go to the deployment root and look around
# tack-artifact: /app/health.txt
# tack-env
cd /app/srv
ls -l . releases state
# tack-step: confirm the lock is stale
cat state/deploy.lock
ps -p 99999 || echo "process 99999 is not running"
# tack-step: remove the stale lock
rm -f state/deploy.lock
# tack-step: check each release
for r in releases/*; do if [ ! -e "$r/.incomplete" ] && (cd "$r" && sha256sum --quiet -c MANIFEST >/dev/null 2>&1); then echo "complete $r"; else echo "broken $r"; fi; done
# tack-step: delete the broken releases
for r in releases/*; do if [ -e "$r/.incomplete" ] || ! (cd "$r" && sha256sum --quiet -c MANIFEST >/dev/null 2>&1); then rm -rf "$r"; fi; done
ls releases
# tack-step: record the rollback (current still points to the old release)
echo "rollback $(basename "$(readlink current)") -> $(ls releases | sort | tail -n 1)" >> state/history.log
# tack-step: point current to the newest complete release
ln -sfn "releases/$(ls releases | sort | tail -n 1)" current
readlink current
# tack-step: run the health check
/app/srv/current/bin/healthcheck > /app/health.txt
# tack-check: test "$(cat /app/health.txt)" = "OK $(basename "$(readlink /app/srv/current)")" && test ! -e /app/srv/state/deploy.lock && test "$(tail -n 1 /app/srv/state/history.log)" = "rollback 2024-06-09-1 -> $(basename "$(readlink /app/srv/current)")"
cat state/history.log /app/health.txt
