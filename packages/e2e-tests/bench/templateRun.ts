/* eslint-disable no-console */
/**
 * Benchmark of "Create environment" end to end, against the real backend, the Argo CD stand-in and a
 * real local GitOps repository: the template runs through the scaffolder's API (as the form's "Create"
 * does), commits, the stand-in reconciles the commit, and our backend's watch shows the environment.
 * For each run it measures, from the task's creation: the task finished (committed), the environment
 * listed by our backend (what the card fetches), and the environment Healthy with its sync Succeeded.
 * Not a test: it prints a markdown table. Run with `yarn bench:template` in this package.
 */
import {
  createEnvironmentThroughScaffolder,
  guestToken,
  startEnvironmentStack,
} from '../src/harness';
import { median, percentile } from './stats';
import { sleep } from '@blueberry-idp/plugin-blueberry-common';

const RUNS = Number(process.env.BENCH_TEMPLATE_RUNS ?? 8);
/** The stand-in's time per wave: four waves make the rest of "to Healthy". */
const WAVE_DELAY_MS = 200;
const ENTITY = 'system:default/shop';

/** The parts of `GET /api/blueberry/environments` this benchmark reads. */
interface EnvironmentsAnswer {
  items: Array<{
    name: string;
    health: string;
    operation: { phase: string } | null;
  }>;
}

async function main() {
  const stack = await startEnvironmentStack({
    name: 'bench-template',
    waveDelayMs: WAVE_DELAY_MS,
  });
  try {
    const base = stack.backend.baseUrl;
    const token = await guestToken(base);
    const environments = async (): Promise<EnvironmentsAnswer> => {
      const response = await fetch(
        `${base}/api/blueberry/environments?entityRef=${encodeURIComponent(
          ENTITY,
        )}`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      if (!response.ok)
        throw new Error(`environments answered ${response.status}`);
      return response.json();
    };

    const runs: Array<{ task: number; listed: number; healthy: number }> = [];
    // The first run warms the scaffolder and the catalog up; it is not counted.
    for (let i = 0; i <= RUNS; i++) {
      const name = `pr-${900 + i}`;
      const started = Date.now();
      await createEnvironmentThroughScaffolder(base, {
        entity: ENTITY,
        name,
        type: 'pull-request',
        pullRequest: 900 + i,
        ttl: '72h',
      });
      const task = Date.now() - started;
      let listed: number | undefined;
      for (;;) {
        const item = (await environments()).items.find(e => e.name === name);
        if (item && listed === undefined) listed = Date.now() - started;
        if (
          item?.health === 'Healthy' &&
          item.operation?.phase === 'Succeeded'
        ) {
          if (i > 0)
            runs.push({ task, listed: listed!, healthy: Date.now() - started });
          break;
        }
        if (Date.now() - started > 60_000)
          throw new Error(`${name} not Healthy within 60 s`);
        await sleep(20);
      }
    }

    const row = (what: string, values: number[]) =>
      `| ${what} | ${Math.round(median(values))} | ${Math.round(
        percentile(values, 95),
      )} |`;
    console.log(
      `\n"Create environment" end to end: real backend, Argo CD stand-in (${WAVE_DELAY_MS} ms per wave), local GitOps repository; ${RUNS} runs after one warm-up, Node ${process.version}\n`,
    );
    console.log('| from the task created to | median (ms) | p95 (ms) |');
    console.log('|---|---:|---:|');
    console.log(
      row(
        'task finished (rendered, validated, committed)',
        runs.map(r => r.task),
      ),
    );
    console.log(
      row(
        'environment listed by the backend (the card shows it)',
        runs.map(r => r.listed),
      ),
    );
    console.log(
      row(
        `environment Healthy, sync Succeeded (includes 4 waves of ${WAVE_DELAY_MS} ms)`,
        runs.map(r => r.healthy),
      ),
    );
  } finally {
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
