#!/usr/bin/env bash
# Installs and starts what Izardesk needs on a fresh Debian machine: Node packages and the compiled dist/, Dovecot
# and Chromium (for the tests), and the local PostgreSQL and Redis. Idempotent: it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
as_postgres() { $SUDO su postgres -s /bin/sh -c "$1"; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Node is not taken from apt: Debian 12 ships 18, and Izardesk needs 20.19 or later.
command -v node >/dev/null 2>&1 || die "Node.js 20.19 or later is required (https://nodejs.org or NodeSource)"
node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || die "Node.js 20.19 or later is required, found $(node --version)"

# Another apt or dpkg process (an unattended upgrade, a second set-up) may hold the package locks: wait for it,
# with a message, instead of failing. apt-get refuses a held lock at once and changes nothing, so a refusal is
# retried until APT_LOCK_WAIT seconds have passed. (DPkg::Lock::Timeout would not do: `update` ignores it.)
APT_LOCK_WAIT=600
apt_get() {
  local started=$SECONDS err told=""
  while :; do
    if err="$($SUDO env DEBIAN_FRONTEND=noninteractive apt-get "$@" 2>&1 >/dev/null)"; then
      return 0
    fi
    if ! grep -q 'Could not get lock' <<<"$err" || [ $((SECONDS - started)) -ge "$APT_LOCK_WAIT" ]; then
      printf '%s\n' "$err" >&2
      die "apt-get $* failed"
    fi
    if [ -z "$told" ]; then
      say "waiting for another apt or dpkg process to finish ($(grep -m1 -o 'held by process .*' <<<"$err" || echo 'it holds a lock'))"
      told=1
    fi
    sleep 5
  done
}

# Dovecot's package starts a system-wide Dovecot on ports 143/993; the product and the tests run their own, so
# the system one is stopped (and, under systemd, disabled). Only that one: tests and other checkouts may be
# running private Dovecots, which a stop by process name would kill.
stop_system_dovecot() {
  if $SUDO systemctl disable --now dovecot >/dev/null 2>&1; then return 0; fi
  # No systemd (a container): `dovecot stop` ends the instance of the system configuration, found by its pid file.
  if $SUDO dovecot stop >/dev/null 2>&1; then say "stopped the system-wide Dovecot"; fi
  return 0
}

need_apt=()
command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || need_apt+=(dovecot-imapd)
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need_apt+=(chromium)
# PostgreSQL and Redis already served on their ports (a container, another host forwarded) are used as they are.
if ! listening 5432 && ! command -v pg_ctlcluster >/dev/null 2>&1; then need_apt+=(postgresql)
elif ! command -v psql >/dev/null 2>&1; then need_apt+=(postgresql-client); fi
listening 6379 || command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
if [ "${#need_apt[@]}" -gt 0 ]; then
  say "installing ${need_apt[*]}"
  apt_get update -qq
  apt_get install -y -qq --no-install-recommends "${need_apt[@]}"
  if [[ " ${need_apt[*]} " == *" dovecot-imapd "* ]]; then stop_system_dovecot; fi
fi

if ! listening 5432; then
  say "starting PostgreSQL"
  version="$(ls /etc/postgresql | sort -V | tail -n1)"
  [ -n "$version" ] || die "no PostgreSQL cluster in /etc/postgresql"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
# Debian's default asks for a password on 127.0.0.1; the local defaults connect as postgres without one.
if [ -z "${DATABASE_URL:-}" ] && ! psql -h 127.0.0.1 -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1; then
  hba="$(as_postgres "psql -tAc 'show hba_file'" 2>/dev/null || true)"
  [ -n "$hba" ] || die "cannot connect to PostgreSQL on 127.0.0.1:5432 as postgres"
  say "letting the local postgres user connect on 127.0.0.1 without a password ($hba)"
  $SUDO sed -i '1i host all postgres 127.0.0.1/32 trust\nhost all postgres ::1/128 trust' "$hba"
  as_postgres "psql -qtAc 'select pg_reload_conf()'" >/dev/null
fi

if ! listening 6379; then
  say "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir /tmp
  for _ in $(seq 1 30); do listening 6379 && break; sleep 1; done
fi

# Installed packages are compared with the lock file by version (not by date: a checkout touches the lock file).
if ! node scripts/lock-matches.cjs; then
  if [ -L node_modules ]; then
    say "node_modules is a link to a shared install that differs from package-lock.json; not touching it"
  else
    say "installing Node packages"
    npm ci --no-audit --no-fund --loglevel=error
  fi
fi
# The command line runs the compiled code (bin/izardesk.js runs dist/). Type-checking is `npm test`'s job.
if ! node scripts/build.mjs --if-stale --noCheck; then die "the build failed (npm run build)"; fi
say "ready"
