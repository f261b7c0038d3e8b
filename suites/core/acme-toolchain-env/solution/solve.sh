#!/bin/bash
# Reference solution: every step after the exports relies on them (and on the cd), so they must
# persist across commands; the env file repeats them for future shells.
# tack-step: go to the project
# tack-artifact: /app/project/dist/bundle.tar
# tack-artifact: /app/acme-env.sh
# tack-env
cd /app/project
ls src
# tack-step: put the toolchain on PATH
# tack-pitfall: acme-gen --version
# tack-env
export PATH=/opt/acme/bin:$PATH
acme-gen --version
# tack-step: point ACME_HOME at the toolchain root
# tack-pitfall: acme-gen src build
# tack-env
export ACME_HOME=/opt/acme
# tack-step: generate
acme-gen src build
ls build
# tack-step: pack
acme-pack build dist/bundle.tar
# tack-step: verify the bundle
acme-pack --verify dist/bundle.tar
# tack-check: cd /app/project && PATH=/opt/acme/bin:$PATH ACME_HOME=/opt/acme acme-pack --verify dist/bundle.tar
# tack-step: write the environment file
printf 'export ACME_HOME=/opt/acme\nexport PATH="/opt/acme/bin:$PATH"\n' > /app/acme-env.sh
# tack-step: try it in a fresh shell
env -i PATH=/usr/bin:/bin bash -c '. /app/acme-env.sh && acme-gen --version && echo $ACME_HOME'
# tack-check: env -i PATH=/usr/bin:/bin bash -c '. /app/acme-env.sh && acme-gen --version && test "$ACME_HOME" = /opt/acme && command -v ls'
