#!/usr/bin/env bash
# Runs every test: prettier, lint, type check, every package's unit tests, the app build, the fault and
# security suites, and the end-to-end suites (the real backend, the built app in Debian's Chromium). Ends with one line
# `N passed, N failed` over everything it ran and exits non-zero when anything failed or did not run.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }
. scripts/env.sh
# PostgreSQL and Redis for the production-path suite (.ci/run has started them already).
. scripts/services.sh

reports="$root/artifacts/test"
rm -rf "$reports" && mkdir -p "$reports"
passed=0
failed=0
# What failed, repeated just above the closing line: CI may show only the end of this output.
failures=()

# A check is one test: it passes or fails as a whole. Its output goes to a log, shown on failure.
check() {
  local name="$1"
  shift
  local started=$SECONDS
  if "$@" >"$reports/$name.log" 2>&1; then
    passed=$((passed + 1))
    echo "ok      $name ($((SECONDS - started)) s)"
  else
    failed=$((failed + 1))
    failures+=("$name (see $reports/$name.log)")
    echo "FAILED  $name ($((SECONDS - started)) s); last lines of $reports/$name.log:"
    tail -n 60 "$reports/$name.log" | sed 's/^/    /'
  fi
}

# Adds the counts of a Jest JSON report; a missing report, or a suite that could not run, fails.
count_jest() {
  local report="$1"
  if [ ! -s "$report" ]; then
    failed=$((failed + 1))
    failures+=("$(basename "$report"): no report was written")
    echo "FAILED  $(basename "$report"): no report was written"
    return
  fi
  local counts
  counts=$(node -e '
    const r = require(require("path").resolve(process.argv[1]));
    const broken = r.numRuntimeErrorTestSuites || 0;
    console.log(r.numPassedTests, r.numFailedTests + broken, r.numPendingTests + r.numTodoTests);
  ' "$report")
  read -r p f s <<<"$counts"
  # One line per failed, skipped or broken test: its file, its name and the first line of its message.
  local line
  while IFS= read -r line; do failures+=("$line"); done < <(node -e '
    const path = require("path");
    const r = require(require("path").resolve(process.argv[1]));
    for (const suite of r.testResults) {
      const file = path.relative(process.cwd(), suite.name);
      const bad = suite.assertionResults.filter(t => t.status !== "passed");
      if (!bad.length && suite.status === "failed") {
        console.log(`${file}: suite did not run: ${(suite.message || "").trim().split("\n")[0]}`);
      }
      for (const t of bad) {
        const why = (t.failureMessages[0] || "").replace(/\x1b\[[0-9;]*m/g, "").trim().split("\n")[0];
        console.log(`${file}: ${t.fullName}: ${t.status}${why ? `: ${why}` : ""}`);
      }
    }
  ' "$report")
  passed=$((passed + p))
  failed=$((failed + f + s)) # a skipped test is not a pass
  echo "        unit tests: $p passed, $f failed, $s skipped"
}

# Adds the counts of a node:test TAP report.
count_tap() {
  local report="$1"
  local p f
  p=$(grep -E '^# pass ' "$report" 2>/dev/null | awk '{s += $3} END {print s + 0}')
  f=$(grep -E '^# (fail|cancelled|skipped|todo) ' "$report" 2>/dev/null | awk '{s += $3} END {print s + 0}')
  if [ "$p" = 0 ] && [ "$f" = 0 ]; then f=1; fi
  if [ "$f" != 0 ]; then
    local line
    while IFS= read -r line; do failures+=("$(basename "$report" .tap): $line"); done < <(
      grep -E '^ *not ok ' "$report" 2>/dev/null | sed 's/^ *//'
    )
    [ "$p" = 0 ] && failures+=("$(basename "$report" .tap): no test ran")
  fi
  passed=$((passed + p))
  failed=$((failed + f))
  echo "        $(basename "$report" .tap): $p passed, $f failed"
}

check prettier yarn prettier --check .
check lint yarn backstage-cli repo lint
check typescript yarn tsc

echo "running unit tests"
CI=true yarn backstage-cli repo test --json --outputFile="$reports/jest.json" \
  >"$reports/unit.log" 2>&1 || grep -E '✕|●' "$reports/unit.log" | head -n 80 | sed 's/^/    /'
count_jest "$reports/jest.json"

check app-build yarn workspace app build

# Runs node:test suites of one package, with a TAP report to count, and prints the markdown tables
# the suites log (they come out as TAP comments).
node_suites() {
  local name="$1" dir="$2"
  shift 2
  echo "running $name"
  (cd "$dir" &&
    node --require @backstage/cli/config/nodeTransform.cjs --test --test-concurrency=1 \
      --test-reporter=tap --test-reporter-destination="$reports/$name.tap" "$@") \
    >"$reports/$name.log" 2>&1 || grep -E '^not ok|^# (fail|cancelled)' "$reports/$name.tap" | sed 's/^/    /'
  grep -E '^# (\||\\#)' "$reports/$name.tap" | sed 's/^# //; s/\\#/#/g; s/^/    /'
  count_tap "$reports/$name.tap"
}

node_suites faults packages/quality-suites src/faults.suite.ts
node_suites security packages/quality-suites src/security.suite.ts
node_suites e2e packages/e2e-tests src/*.e2e.ts

if [ "${#failures[@]}" -gt 0 ]; then
  echo "what failed:"
  printf '    %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
