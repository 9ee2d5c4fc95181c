/* eslint-disable no-console */
/**
 * `yarn bench:compare <other checkout> [pairs]`: our backend's list route in this checkout against
 * another checkout of the repository (an older commit in a `git worktree`, with its node_modules),
 * alternating the two sides run by run so the machine's drift falls on both, each run in processes
 * of its own. Prints, per entity and client count, the median views/s and p99 of each side and
 * their ratio (this ÷ other for views/s, other ÷ this for latency and memory: above 1× this is
 * ahead), and the peak memory. Not a test: the figures depend on the machine, compare them only
 * within one run.
 *
 * Environment: BENCH_APPLICATIONS (default 1000), BENCH_DURATION_S (default 5).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot as thisRoot } from '../companions';
import { markdownTable } from '../report';
// Types only: importing oneSide would run it.
import type { SideResult } from './oneSide';

function runSide(root: string, applications: number, durationS: number) {
  const output = execFileSync(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs', {
        paths: [root],
      }),
      require.resolve('./oneSide'),
    ],
    {
      cwd: path.join(root, 'packages/bench'),
      env: {
        ...process.env,
        BENCH_SIDE_ROOT: root,
        BENCH_SIDE_APPLICATIONS: String(applications),
        BENCH_SIDE_DURATION_S: String(durationS),
      },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return JSON.parse(output.trim().split('\n').pop()!) as SideResult;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const ratio = (value: number) => `${value.toFixed(2)}×`;

async function main() {
  const [other, pairsArg] = process.argv.slice(2);
  if (!other) {
    throw new Error(
      'usage: yarn bench:compare <root of another checkout> [pairs, default 4]',
    );
  }
  const otherRoot = path.resolve(other);
  const pairs = Number(pairsArg ?? 4);
  const applications = Number(process.env.BENCH_APPLICATIONS ?? 1000);
  const durationS = Number(process.env.BENCH_DURATION_S ?? 5);
  const sides = { this: [] as SideResult[], other: [] as SideResult[] };
  for (let pair = 0; pair < pairs; pair++) {
    // Which side goes first alternates too, so neither always runs on a machine warmed by the other.
    const order: Array<keyof typeof sides> =
      pair % 2 ? ['other', 'this'] : ['this', 'other'];
    for (const side of order) {
      const result = runSide(
        side === 'this' ? thisRoot : otherRoot,
        applications,
        durationS,
      );
      sides[side].push(result);
      console.error(
        `pair ${pair + 1}/${pairs}, ${side}: ${result.load
          .map(
            r =>
              `${r.environments}/${r.connections}: ${r.viewsPerSecond.toFixed(
                0,
              )} views/s, p99 ${r.p99Ms.toFixed(1)} ms`,
          )
          .join('; ')}; peak RSS ${result.peakRssMiB.toFixed(0)} MiB`,
      );
    }
  }
  const rows = sides.this[0].load.map((row, index) => {
    const of = (
      side: SideResult[],
      pick: (r: SideResult['load'][0]) => number,
    ) => median(side.map(s => pick(s.load[index])));
    const views = [
      of(sides.this, r => r.viewsPerSecond),
      of(sides.other, r => r.viewsPerSecond),
    ];
    const p99 = [of(sides.this, r => r.p99Ms), of(sides.other, r => r.p99Ms)];
    return [
      String(row.environments),
      String(row.connections),
      views[0].toFixed(0),
      views[1].toFixed(0),
      ratio(views[0] / views[1]),
      p99[0].toFixed(1),
      p99[1].toFixed(1),
      ratio(p99[1] / p99[0]),
    ];
  });
  const memory = (pick: (s: SideResult) => number) => {
    const values = [
      median(sides.this.map(pick)),
      median(sides.other.map(pick)),
    ];
    return [...values.map(v => v.toFixed(0)), ratio(values[1] / values[0])];
  };
  console.log(
    `Our list route, this checkout (${thisRoot}) against ${otherRoot}: ${applications.toLocaleString(
      'en-US',
    )} Applications, ${pairs} runs of each side alternating, ${durationS} s per load run, medians over the runs\n`,
  );
  console.log(
    markdownTable(
      [
        'environments',
        'clients',
        'views/s, this',
        'views/s, other',
        'views/s: this ahead by',
        'p99 (ms), this',
        'p99 (ms), other',
        'p99: this ahead by',
      ],
      rows,
    ),
  );
  console.log('');
  console.log(
    markdownTable(
      ['peak over the run', 'this', 'other', 'this ahead by'],
      [
        ['RSS (MiB)', ...memory(s => s.peakRssMiB)],
        ['heap (MiB)', ...memory(s => s.peakHeapMiB)],
      ],
    ),
  );
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
