#!/bin/bash
# Verifier: the exact file set and contents of the 2024-06-01 backup, the chosen name, backups untouched.
mkdir -p /logs/verifier
ok=1
fail() { echo "FAIL: $*"; ok=0; }
expected='b6d531373d1cfd1f92b765c8a81a155803772fd559b42bbfd70b90445e4aa264  ./about.html
7321d6cdf35e20054ff65967298b9f8cba9563052059cb36911014111aec86ae  ./css/main.css
bbbb3c908ffbcd12b455ad21cb5b7479f49d81402d83d03be05ede202a08ac0e  ./data/products.json
bc3da732e38e568a3544637d92e809aae0fe665b5ffe993adfef4fe7dc7579b0  ./img/logo.svg
93b904ecf7c9c6d9b24ee16b0600e905c06eaf5074d3c8330ac41becb269a958  ./index.html
1927f08fb5980adc17fcd841ea4487912485760ffa0525e6822bd242f7ec73b7  ./js/app.js'
got=$(cd /app/site 2>/dev/null && find . -type f | LC_ALL=C sort | xargs -r sha256sum)
[ "$got" = "$expected" ] || { fail "site content differs"; diff <(echo "$expected") <(echo "$got"); }
[ "$(cat /app/restore.txt 2>/dev/null)" = "site-2024-06-01.tar.gz" ] || fail "restore.txt: $(cat /app/restore.txt 2>/dev/null)"
[ "$(ls /app/backups | tr '\n' ' ')" = "site-2024-06-01.tar.gz site-2024-06-08.tar.gz site-2024-06-15.tar.gz " ] || fail "backups changed"
gzip -t /app/backups/site-2024-06-08.tar.gz 2>/dev/null || fail "backups changed"
echo $ok > /logs/verifier/reward.txt
