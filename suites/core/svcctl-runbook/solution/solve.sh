#!/bin/bash
# Reference solution: four pieces of environment (cwd, PATH, SVC_HOME, PYTHONPATH) must hold for
# every svcctl command of the runbook.
# tack-step: read the runbook
# tack-artifact: /app/status.txt
# tack-artifact: /app/svc-home/state.db
cat /app/svc/RUNBOOK.md
# tack-step: work from the deployment directory
# tack-env
cd /app/deploy
# tack-step: put svcctl on PATH
# tack-env
export PATH=/app/svc/bin:$PATH
# tack-step: set the state directory
# tack-pitfall: svcctl init
# tack-env
export SVC_HOME=/app/svc-home
# tack-step: make svclib importable
# tack-pitfall: svcctl init
# tack-env
export PYTHONPATH=/app/svc/lib
# tack-step: initialise
svcctl init
# tack-step: migrate
svcctl migrate
# tack-step: add the initial users
svcctl add-user alice
svcctl add-user bob
# tack-step: save the status
svcctl status > /app/status.txt
# tack-check: grep -qx 'users: alice, bob' /app/status.txt && grep -qx 'schema: 2' /app/status.txt && test -f /app/svc-home/state.db
cat /app/status.txt
