/* eslint-disable no-console */
/**
 * One side of `yarn bench:compare`: runs OUR backend alone at one scale with the scenario of the
 * checkout at BENCH_SIDE_ROOT (its code, its node_modules), and prints one JSON line of what the
 * comparison reads. Started by compareCheckouts.ts, once per run and side.
 */
import path from 'node:path';

/** What one run of one side measured. */
export interface SideResult {
  load: Array<{
    environments: number;
    connections: number;
    viewsPerSecond: number;
    p99Ms: number;
  }>;
  peakRssMiB: number;
  peakHeapMiB: number;
}

async function main() {
  const root = process.env.BENCH_SIDE_ROOT!;
  // The other checkout's scenario, so its backend is started from its own code.
  const scenario = require(path.join(root, 'packages/bench/src/scenario'));
  const workDir: string = await scenario.makeWorkDir();
  const result = await scenario.runScenario({
    applications: Number(process.env.BENCH_SIDE_APPLICATIONS),
    kinds: ['blueberry'],
    connections: [1, 50],
    durationS: Number(process.env.BENCH_SIDE_DURATION_S),
    workDir,
    log: () => {},
  });
  const [memory] = result.memory;
  const side: SideResult = {
    load: result.load.map((row: any) => ({
      environments: row.environments,
      connections: row.connections,
      viewsPerSecond: row.load.viewsPerSecond,
      p99Ms: row.load.p99Ms,
    })),
    peakRssMiB: memory.peakRssBytes / 2 ** 20,
    peakHeapMiB: memory.peakHeapBytes / 2 ** 20,
  };
  console.log(JSON.stringify(side));
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
