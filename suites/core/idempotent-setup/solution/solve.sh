#!/bin/bash
# Reference solution: guard every step (mkdir -p, ln -sfn, grep -qx before appending, token only if
# missing) and quote the config heredoc so nothing expands.
# tack-draft-begin
# cat > /app/setup.sh <<'SH'
# #!/bin/bash
# p=${PREFIX:-/app/srv}
# mkdir -p "$p/etc" "$p/var/log" "$p/releases/v2" "$p/secrets"
# chmod 755 "$p/etc" "$p/var" "$p/var/log" "$p/releases" "$p/releases/v2"
# chmod 700 "$p/secrets"
# cat > "$p/etc/app.conf" <<'CONF'
# home=$HOME/app
# pattern=^[a-z]+\.log$
# greeting=it's ready
# CONF
# ln -sf releases/v2 "$p/current"
# grep -qx '10.0.0.0/8' "$p/etc/hosts.allow" 2>/dev/null || echo '10.0.0.0/8' >> "$p/etc/hosts.allow"
# [ -e "$p/secrets/token" ] || echo changeme > "$p/secrets/token"
# chmod 600 "$p/secrets/token"
# SH
# chmod +x /app/setup.sh
# tack-draft-end
# tack-step: write the setup script
# tack-artifact: /app/setup.sh
# tack-artifact: /app/srv/etc/app.conf
cat > /app/setup.sh <<'SH'
#!/bin/bash
set -eu
p=${PREFIX:-/app/srv}
mkdir -p "$p/etc" "$p/var/log" "$p/releases/v2" "$p/secrets"
chmod 755 "$p/etc" "$p/var" "$p/var/log" "$p/releases" "$p/releases/v2"
chmod 700 "$p/secrets"
cat > "$p/etc/app.conf" <<'CONF'
home=$HOME/app
pattern=^[a-z]+\.log$
greeting=it's ready
CONF
ln -sfn releases/v2 "$p/current"
grep -qx '10.0.0.0/8' "$p/etc/hosts.allow" 2>/dev/null || echo '10.0.0.0/8' >> "$p/etc/hosts.allow"
[ -e "$p/secrets/token" ] || echo changeme > "$p/secrets/token"
chmod 600 "$p/secrets/token"
SH
chmod +x /app/setup.sh
# tack-check: rm -rf /tmp/sc && PREFIX=/tmp/sc /app/setup.sh && PREFIX=/tmp/sc /app/setup.sh && test -z "$(ls -A /tmp/sc/releases/v2)" && test "$(grep -c . /tmp/sc/etc/hosts.allow)" -eq 1 && grep -qF 'home=$HOME/app' /tmp/sc/etc/app.conf
# tack-step: run it with the default prefix
/app/setup.sh
/app/setup.sh
ls -la /app/srv /app/srv/etc
