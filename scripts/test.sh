#!/usr/bin/env bash
# Runs every test: prettier, lint, type check, every package's unit tests, the app build, the fault and
# security suites, and the end-to-end suites (the real backend, the built app in Debian's Chromium). Ends with the
# tests each suite collected against its floor (scripts/test-floors) and one line `N passed, N failed`: passed
# counts tests; failed counts failed tests, hooks and suites, failed checks, runners that exited non-zero,
# and suites below their floor. Exits non-zero when anything failed or did not run.
#
# `scripts/test.sh --update-floors` runs everything and, when nothing else failed, rewrites
# scripts/test-floors with the counts of this run (raise floors after adding tests).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }
. scripts/env.sh
# PostgreSQL and Redis for the production-path suite (.ci/run has started them already).
. scripts/services.sh

reports="$root/artifacts/test"
rm -rf "$reports" && mkdir -p "$reports"
floors="$root/scripts/test-floors"
update_floors=""
[ "${1:-}" = "--update-floors" ] && update_floors="--update-floors"

# A check that is not a test (prettier, lint, tsc, the app build) passes or fails the run; it is not
# counted as a test. Its output goes to a log, shown on failure.
check() {
  local name="$1"
  shift
  local started=$SECONDS
  if "$@" >"$reports/$name.log" 2>&1; then
    echo "$name ok" >>"$reports/checks"
    echo "ok      $name ($((SECONDS - started)) s)"
  else
    echo "$name failed" >>"$reports/checks"
    echo "FAILED  $name ($((SECONDS - started)) s); last lines of $reports/$name.log:"
    tail -n 60 "$reports/$name.log" | sed 's/^/    /'
  fi
}

# Records a runner's report and exit code for scripts/lib/tally.mjs, which counts the tests.
runner() {
  echo "$1 $2 $3" >>"$reports/runners"
}

check prettier yarn prettier --check .
check lint yarn backstage-cli repo lint
check typescript yarn tsc
# Each published package's API report (report*.api.md) matches its exports, every one with a release
# tag: a change of public API without its report fails here. Reads the dist-types the type check
# just wrote; `yarn build:api-reports` regenerates the reports. The package list is that script's
# (blueberry-node joins it once its gitops exports have release tags).
check api-reports yarn build:api-reports:only --ci

echo "running unit tests"
CI=true yarn backstage-cli repo test --json --outputFile="$reports/jest.json" >"$reports/unit.log" 2>&1
code=$?
[ "$code" -ne 0 ] && grep -E '✕|●' "$reports/unit.log" | head -n 80 | sed 's/^/    /'
runner unit "$reports/jest.json" "$code"

check app-build yarn workspace app build

# Runs node:test files of one package with two reporters: TAP for the log, and a JSON summary of
# what each file collected and every failure (scripts/lib/node-test-summary.mjs). Prints the markdown
# tables the suites log (they come out as TAP comments).
node_suites() {
  local name="$1" dir="$2"
  shift 2
  echo "running $name"
  (cd "$dir" &&
    node --require @backstage/cli/config/nodeTransform.cjs --test --test-concurrency=1 \
      --test-reporter=tap --test-reporter-destination="$reports/$name.tap" \
      --test-reporter="$root/scripts/lib/node-test-summary.mjs" \
      --test-reporter-destination="$reports/$name.json" "$@") >"$reports/$name.log" 2>&1
  local code=$?
  [ "$code" -ne 0 ] && grep -E '^ *not ok|^# (fail|cancelled)' "$reports/$name.tap" | sed 's/^/    /'
  grep -E '^# (\||\\#)' "$reports/$name.tap" | sed 's/^# //; s/\\#/#/g; s/^/    /'
  runner "$name" "$reports/$name.json" "$code"
}

node_suites faults packages/quality-suites src/faults.suite.ts
node_suites security packages/quality-suites src/security.suite.ts
node_suites e2e packages/e2e-tests src/*.e2e.ts

# Per-suite counts against their floors, what failed, and the closing `N passed, N failed`.
node scripts/lib/tally.mjs "$reports" "$floors" $update_floors
