#!/usr/bin/env bash
# The test command: set up what is missing, then lint, type-check and run every test on real services.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx biome check .
npx tsc --noEmit
mkdir -p out
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=out/vitest.json "$@" || status=$?
# One plain closing line that any CI can read: "tests: N passed, N failed, N skipped".
node -e '
  const r = JSON.parse(require("fs").readFileSync("out/vitest.json", "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
' 2>/dev/null || true
exit "$status"
