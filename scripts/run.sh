#!/usr/bin/env bash
# The run command: set up what is missing, create the database, and run the demo on local defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
db="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/izardesk}"
db="${db%%\?*}"      # without ?sslmode=... and the like
name="${db##*/}"
server="${db%/*}/postgres"
if [ "$(psql "$server" -tAc "select 1 from pg_database where datname = '${name}'")" != 1 ]; then
  echo "run: creating database ${name}"
  psql "$server" -qc "create database \"${name}\""
fi
exec node bin/izardesk.js demo
