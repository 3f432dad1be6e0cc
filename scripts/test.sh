#!/usr/bin/env bash
# The test command: set up what is missing, then lint, type-check and run every test on real services.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx biome check .
npx tsc --noEmit
npx vitest run "$@"
