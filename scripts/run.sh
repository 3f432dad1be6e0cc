#!/usr/bin/env bash
# The run command: set up what is missing, create the database, and run the demo on local defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
db="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/izardesk}"
name="${db##*/}"
psql "${db%/*}/postgres" -tAc "select 1 from pg_database where datname = '${name}'" | grep -q 1 \
  || psql "${db%/*}/postgres" -qc "create database \"${name}\""
exec node bin/izardesk.js demo
