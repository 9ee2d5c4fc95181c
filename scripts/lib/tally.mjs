// The end of scripts/test.sh: adds up what every runner reported, holds each suite to its floor in
// scripts/test-floors, prints the per-suite counts, what failed, and the closing `N passed, N failed`,
// and exits non-zero when anything failed.
//
// A suite is a package for Jest (every test file under it) and a file for node:test. Its floor is the
// least number of tests it must collect; fewer (a deleted test file, a `describe` that no longer
// registers its tests, a package that stopped being found) is a failure, and so is a suite with no floor.
// `--update-floors` rewrites the file from this run's counts when nothing else failed.
//
// usage: node scripts/lib/tally.mjs <reports dir> <floors file> [--update-floors]
import fs from 'node:fs';
import path from 'node:path';

const [reportsDir, floorsFile, flag] = process.argv.slice(2);
const updateFloors = flag === '--update-floors';
const root = path.resolve(path.dirname(floorsFile), '..');
const relative = file => path.relative(root, file);

/** Suites by name: how many tests each collected and passed. */
const suites = new Map();
const suite = (name, runner) => {
  if (!suites.has(name)) suites.set(name, { runner, collected: 0, passed: 0 });
  return suites.get(name);
};
/** Failures that are not a suite falling short of its floor. */
const failures = [];
const readLines = file =>
  fs.existsSync(file)
    ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)
    : [];

// Checks that are not tests (prettier, lint, tsc, the app build): a failed one fails the run, a
// passed one is not counted as a passed test.
for (const line of readLines(path.join(reportsDir, 'checks'))) {
  const [name, result] = line.split(' ');
  if (result !== 'ok')
    failures.push(`check ${name} failed (see ${reportsDir}/${name}.log)`);
}

/** The package folder a test file belongs to: the nearest folder above it with a package.json. */
function packageOf(file) {
  let dir = path.dirname(file);
  while (dir !== root && dir !== path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return relative(dir);
    dir = path.dirname(dir);
  }
  return relative(path.dirname(file));
}

function readJest(report) {
  const r = JSON.parse(fs.readFileSync(report, 'utf8'));
  for (const result of r.testResults) {
    const file = relative(result.name);
    const s = suite(packageOf(result.name), 'jest');
    const tests = result.assertionResults;
    s.collected += tests.length;
    if (result.status === 'failed' && !tests.some(t => t.status === 'failed')) {
      const why = (result.message || '').replace(/\x1b\[[0-9;]*m/g, '').trim();
      failures.push(
        `${file}: did not run: ${why.split('\n').find(Boolean) ?? ''}`,
      );
    }
    for (const t of tests) {
      if (t.status === 'passed') {
        s.passed += 1;
        continue;
      }
      // A skipped or todo test is not a pass.
      const why = (t.failureMessages[0] || '')
        .replace(/\x1b\[[0-9;]*m/g, '')
        .trim()
        .split('\n')[0];
      failures.push(
        `${file}: ${t.fullName}: ${t.status}${why ? `: ${why}` : ''}`,
      );
    }
  }
}

function readNodeSummary(report) {
  const r = JSON.parse(fs.readFileSync(report, 'utf8'));
  for (const [file, counts] of Object.entries(r.files)) {
    const s = suite(relative(file), 'node');
    s.collected += counts.collected;
    s.passed += counts.passed;
  }
  for (const f of r.failures)
    failures.push(`${relative(f.file)}: ${f.name}: ${f.why}`);
}

// One line per runner: its report, and the exit code it ended with.
for (const line of readLines(path.join(reportsDir, 'runners'))) {
  const [name, report, code] = line.split(' ');
  const before = failures.length;
  if (!fs.existsSync(report) || fs.statSync(report).size === 0) {
    failures.push(
      `${name}: no report was written (see ${reportsDir}/${name}.log)`,
    );
    continue;
  }
  try {
    if (name === 'unit') readJest(report);
    else readNodeSummary(report);
  } catch (error) {
    failures.push(`${name}: unreadable report ${report}: ${error.message}`);
  }
  // A runner that failed without naming a failing test still failed.
  if (code !== '0' && failures.length === before) {
    failures.push(
      `${name}: the runner exited ${code} (see ${reportsDir}/${name}.log)`,
    );
  }
}

const floors = new Map();
for (const line of readLines(floorsFile)) {
  const text = line.replace(/#.*/, '').trim();
  if (!text) continue;
  const [name, floor] = text.split(/\s+/);
  floors.set(name, Number(floor));
}
for (const name of floors.keys()) {
  if (!suites.has(name)) suite(name, name.includes('.') ? 'node' : 'jest');
}

const shortfalls = [];
const names = [...suites.keys()].sort();
const width = Math.max(...names.map(n => n.length), 5);
console.log(`${'suite'.padEnd(width)}  runner  tests  floor  passed`);
for (const name of names) {
  const s = suites.get(name);
  const floor = floors.get(name);
  let note = '';
  if (floor === undefined) {
    note = '  no floor';
    shortfalls.push(
      `${name}: collected ${s.collected} tests and has no floor in ${relative(
        floorsFile,
      )}`,
    );
  } else if (s.collected < floor) {
    note = '  BELOW FLOOR';
    shortfalls.push(
      `${name}: collected ${s.collected} tests, its floor is ${floor}`,
    );
  }
  console.log(
    `${name.padEnd(width)}  ${s.runner.padEnd(6)}  ${String(
      s.collected,
    ).padStart(5)}  ${String(floor ?? '-').padStart(5)}  ${String(
      s.passed,
    ).padStart(6)}${note}`,
  );
}

if (updateFloors) {
  if (failures.length) {
    console.log(
      `floors not updated: ${failures.length} other failures in this run`,
    );
  } else {
    const header = readLines(floorsFile).filter(l => l.startsWith('#'));
    const body = names
      .filter(n => suites.get(n).collected > 0)
      .map(n => `${n.padEnd(width)}  ${suites.get(n).collected}`);
    fs.writeFileSync(floorsFile, `${[...header, ...body].join('\n')}\n`);
    console.log(
      `floors written to ${relative(floorsFile)} from this run's counts`,
    );
    shortfalls.length = 0;
  }
}

const failed = [...failures, ...shortfalls];
const passed = [...suites.values()].reduce((sum, s) => sum + s.passed, 0);
// What failed, repeated just above the closing line: CI may show only the end of this output.
if (failed.length) {
  console.log('what failed:');
  for (const line of failed) console.log(`    ${line}`);
}
console.log(`${passed} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
