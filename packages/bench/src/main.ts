/* eslint-disable no-console */
/**
 * `yarn bench`: Blueberry's backend against Roadie's and the community's Argo CD backends on the same
 * stand-in data in one run, then the other packages' benchmarks; prints markdown and writes
 * docs/benchmarks.md. Not a test: the figures depend on the machine.
 *
 * Environment: BENCH_DURATION_S (seconds per load run, default 5), BENCH_APPLICATIONS (default
 * "1000,5000"), BENCH_OUTPUT (default docs/benchmarks.md; "-" prints only), BENCH_COMPANIONS ("0"
 * skips the other packages' benchmarks, for a quick look).
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { backendKinds, isUserTokenKind, userTokenKinds } from './backends';
import { repoRoot, runCompanions } from './companions';
import { benchReport, machineOf } from './document';
import type { EqualRateMemoryRow, LoadRow, MemoryRow } from './report';
import { EqualRateOptions, makeWorkDir, runScenario } from './scenario';

/**
 * The same load for every backend, to compare their memory for the same work: a rate the slowest
 * anchor serves on the 20-environment entity (Roadie, about 100 views/s at 50 clients on 2 cores).
 */
const EQUAL_RATE: EqualRateOptions = {
  viewsPerSecond: 50,
  connections: 50,
  durationS: 20,
};

async function main() {
  const durationS = Number(process.env.BENCH_DURATION_S ?? 5);
  const scales = (process.env.BENCH_APPLICATIONS ?? '1000,5000')
    .split(',')
    .map(Number);
  const output = process.env.BENCH_OUTPUT ?? 'docs/benchmarks.md';
  const machine = machineOf();
  const workDir = await makeWorkDir();
  const started = Date.now();
  console.error(`logs and configs of the backends: ${workDir}`);

  const load: LoadRow[] = [];
  const userTokenLoad: LoadRow[] = [];
  const memory: MemoryRow[] = [];
  const equalRateMemory: EqualRateMemoryRow[] = [];
  // Ours behind a user token runs at the smallest scale only: what it measures does not grow with
  // the number of Applications, and the whole run stays within a few minutes.
  const userTokenScale = Math.min(...scales);
  for (const applications of scales) {
    const result = await runScenario({
      applications,
      // Right after ours behind the service token, so the machine's load drifts least between them.
      kinds:
        applications === userTokenScale
          ? [backendKinds[0], ...userTokenKinds, ...backendKinds.slice(1)]
          : backendKinds,
      connections: [1, 50],
      durationS,
      workDir,
      log: line => console.error(line),
      // At the smallest scale, like the user-token rows: it shows what the same work costs each.
      equalRate: applications === userTokenScale ? EQUAL_RATE : undefined,
    });
    equalRateMemory.push(...result.equalRateMemory);
    for (const row of result.load) {
      (isUserTokenKind(row.kind) ? userTokenLoad : load).push(row);
    }
    memory.push(...result.memory.filter(row => !isUserTokenKind(row.kind)));
  }
  console.error('running the other packages’ benchmarks');
  const companions =
    process.env.BENCH_COMPANIONS === '0'
      ? []
      : await runCompanions({ backendDurationS: durationS });

  const markdown = benchReport({
    machine,
    durationS,
    totalS: (Date.now() - started) / 1000,
    load,
    userTokenLoad,
    memory,
    equalRate: EQUAL_RATE,
    equalRateMemory,
    companions,
  });
  console.log(markdown);
  if (output !== '-') {
    await fs.writeFile(path.resolve(repoRoot, output), markdown);
    // The repository's prettier check covers docs/; format the tables as it wants them.
    spawnSync('yarn', ['prettier', '--write', output], {
      cwd: repoRoot,
      stdio: 'ignore',
    });
    console.error(`written to ${output}`);
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
