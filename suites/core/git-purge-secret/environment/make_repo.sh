set -e
t=1700000000
commit() { t=$((t + 3600)); GIT_AUTHOR_DATE="@$t +0000" GIT_COMMITTER_DATE="@$t +0000" git commit -q -m "$1"; }
S=sk_live_51HxQ9Zt7GkVbN2mPq
git init -q -b main /app/repo
cd /app/repo
printf '# billing service\n' > README.md; git add .; commit "init"
mkdir -p config; printf 'PORT=8080\nLOG_LEVEL=info\n' > config/settings.env; git add .; commit "config: add settings"
printf 'PORT=8080\nLOG_LEVEL=info\nAPI_TOKEN=%s\n' "$S" > config/settings.env; git add .; commit "config: add API token"
printf '#!/bin/sh\ncurl -H "Authorization: Bearer %s" https://billing.example.com/deploy\n' "$S" > deploy.sh; git add .; commit "deploy: add deploy script"
git branch release
git tag v1.0
printf 'PORT=8080\nLOG_LEVEL=info\nAPI_TOKEN=${API_TOKEN}\n' > config/settings.env
printf '#!/bin/sh\ncurl -H "Authorization: Bearer ${API_TOKEN}" https://billing.example.com/deploy\n' > deploy.sh
git add .; commit "security: read the token from the environment"
printf '# billing service\n\nSet API_TOKEN before deploying.\n' > README.md; git add .; commit "docs: explain API_TOKEN"
