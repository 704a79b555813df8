#!/usr/bin/env bash
# Installs Storyline as a systemd service. Safe to run again (e.g. to upgrade the jar):
# it never overwrites an existing configuration file or data.
#
#   sudo scripts/install-systemd.sh [path/to/storyline.jar]
#
# Creates: user 'storyline', /opt/storyline/storyline.jar and its launcher /opt/storyline/storyline, /etc/storyline/storyline.env (from
# .env.example, only if missing), /var/lib/storyline (data: embedded database, media, backups) and
# the unit /etc/systemd/system/storyline.service; then enables the service and (re)starts it once
# the configuration has a bot token.
#
# For testing the script itself: ROOT=<dir> installs below <dir> without creating a user, and
# SYSTEMCTL=true skips systemctl.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="${1:-$here/../target/storyline.jar}"
root="${ROOT:-}"
systemctl="${SYSTEMCTL:-systemctl}"
user="${STORYLINE_USER:-storyline}"
prefix=/opt/storyline
conf_dir=/etc/storyline
data_dir=/var/lib/storyline
unit_dir=/etc/systemd/system

fail() { echo "install-systemd: $*" >&2; exit 1; }

[ -f "$jar" ] || fail "no jar at $jar; build it first with: mvn -B -DskipTests package"
if [ -z "$root" ] && [ "$(id -u)" -ne 0 ]; then
  fail "run it as root (sudo $0)"
fi
java_bin="$(command -v java || true)"
[ -n "$java_bin" ] || fail "java not found; install a Java 17+ runtime (apt-get install openjdk-17-jre-headless)"
java_version="$("$java_bin" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"
[ "${java_version:-0}" -ge 17 ] || fail "Java 17 or newer is needed, found ${java_version:-none}"

# optional: libturbojpeg makes the planner's thumbnails several times faster (else ImageIO makes them)
if [ -z "$root" ] && ! ldconfig -p 2>/dev/null | grep -q 'libturbojpeg\.so' && command -v apt-get >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libturbojpeg0 >/dev/null 2>&1 \
    && echo "Installed libturbojpeg0 (fast thumbnails)" || echo "libturbojpeg0 not installed; thumbnails use ImageIO"
fi

if [ -z "$root" ] && ! id -u "$user" >/dev/null 2>&1; then
  useradd --system --home-dir "$data_dir" --shell /usr/sbin/nologin "$user"
  echo "Created system user $user"
fi
owner="$user"
[ -n "$root" ] && owner="$(id -un)"

install -d -m 755 "$root$prefix" "$root$unit_dir"
install -m 644 "$jar" "$root$prefix/storyline.jar"
install -m 755 "$here/storyline" "$root$prefix/storyline"
install -m 644 "$here/../README.md" "$root$prefix/README.md" 2>/dev/null || true
install -d -m 750 -o "$owner" -g "$owner" "$root$data_dir"
install -d -m 750 -o root -g "$owner" "$root$conf_dir" 2>/dev/null || install -d -m 750 "$root$conf_dir"

env_file="$root$conf_dir/storyline.env"
if [ ! -f "$env_file" ]; then
  sed "s|^STORYLINE_DATA_DIR=.*|STORYLINE_DATA_DIR=$data_dir|" "$here/../.env.example" > "$env_file"
  chmod 640 "$env_file"
  chgrp "$owner" "$env_file" 2>/dev/null || true
  echo "Wrote $env_file: put TELEGRAM_BOT_TOKEN and ADMIN_TELEGRAM_CHAT_ID in it"
else
  echo "Kept the existing $env_file"
fi

sed -e "s|@PREFIX@|$prefix|g" -e "s|@CONF_DIR@|$conf_dir|g" -e "s|@DATA_DIR@|$data_dir|g" \
    -e "s|@USER@|$user|g" -e "s|@JAVA@|$java_bin|g" \
    "$here/storyline.service" > "$root$unit_dir/storyline.service"
chmod 644 "$root$unit_dir/storyline.service"

"$systemctl" daemon-reload
"$systemctl" enable storyline.service
if grep -Eq '^TELEGRAM_BOT_TOKEN=.+' "$env_file" && grep -Eq '^ADMIN_TELEGRAM_CHAT_ID=.+' "$env_file"; then
  "$systemctl" restart storyline.service
  echo "Storyline (re)started: journalctl -u storyline -f"
else
  echo "Not started yet: fill in $conf_dir/storyline.env, then: systemctl start storyline"
fi
