/* eslint-disable no-console */
/**
 * Benchmark of "Create environment" end to end, against the real backend, the Argo CD stand-in, a
 * real local GitOps repository and, as on the embedded default, Debian's docker-registry on
 * 127.0.0.1:7082 (the example shop's blueprint names it) holding the shop's images. The template
 * runs through the scaffolder's API (as the form's "Create" does), commits, the stand-in reconciles
 * the commit, and our backend's watch shows the environment.
 *
 * Two ways in the same run, one after the other in alternating order:
 *   - fixed components: the form's default components, images already pinned by digest (what this
 *     benchmark measured before blueprints);
 *   - blueprint: no components given, so the action reads the shop's blueprint and resolves its
 *     image tags (`shop/backend:{shortSha}`, `shop/storefront:1.8.0`) to digests in the registry.
 * And the registry lookups alone, as the action makes them (both tags at once, one client).
 *
 * For each run it measures, from the task's creation: the task finished (committed), the
 * environment listed by our backend (what the card fetches), and the environment Healthy with its
 * sync Succeeded. Not a test: it prints markdown tables. Run with `yarn bench:template` in this
 * package, alone on the fixed ports (7081, 7082): under the e2e lock.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { OciRegistryClient } from '@blueberry-idp/plugin-blueberry-node';
import { startRealRegistry } from '@blueberry-idp/plugin-blueberry-node/testUtils';
import {
  guestToken,
  startEnvironmentStack,
  shopComponents,
} from '../src/harness';
import { median, percentile } from './stats';
import { sleep } from '@blueberry-idp/plugin-blueberry-common';

const RUNS = Number(process.env.BENCH_TEMPLATE_RUNS ?? 8);
/** The stand-in's time per wave: four waves make the rest of "to Healthy". */
const WAVE_DELAY_MS = 200;
const ENTITY = 'system:default/shop';
/** The embedded default's registry, where the shop's blueprint looks for its images. */
const REGISTRY_PORT = 7082;
/** How often the task and the list are asked while waiting: short, so the figures are not steps of it. */
const POLL_MS = 20;
/** Lookup samples taken after each pair of runs. */
const LOOKUPS_PER_RUN = 5;

type Way = 'fixed' | 'blueprint';

interface Run {
  task: number;
  listed: number;
  healthy: number;
}

/** The parts of `GET /api/blueberry/environments` this benchmark reads. */
interface EnvironmentsAnswer {
  items: Array<{
    name: string;
    health: string;
    commit?: string | null;
    operation: { phase: string } | null;
  }>;
}

async function main() {
  const loadAtStart = os.loadavg();
  const registry = await startRealRegistry('none', { port: REGISTRY_PORT });
  // One commit per run, as CI pushes an image per commit: every run resolves a tag of its own.
  const commits = Array.from({ length: RUNS + 1 }, () =>
    randomBytes(20).toString('hex'),
  );
  await registry.pushImage('shop/storefront', '1.8.0');
  for (const commit of commits) {
    await registry.pushImage('shop/backend', commit.slice(0, 7));
  }
  const stack = await startEnvironmentStack({
    name: 'bench-template',
    waveDelayMs: WAVE_DELAY_MS,
    config: {
      blueberry: {
        blueprints: { fileRoots: ['../../examples'] },
        registries: [{ host: registry.host, insecure: true }],
      },
    },
  });
  try {
    const base = stack.backend.baseUrl;
    const token = await guestToken(base);
    const headers = {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    };
    await untilInCatalog(base, headers, [
      'template/default/create-environment',
      ENTITY.replace(':', '/'),
    ]);

    const environments = async (): Promise<EnvironmentsAnswer> => {
      const response = await fetch(
        `${base}/api/blueberry/environments?entityRef=${encodeURIComponent(
          ENTITY,
        )}`,
        { headers },
      );
      if (!response.ok)
        throw new Error(`environments answered ${response.status}`);
      return response.json();
    };

    /** One template run, timed from the task's creation. */
    const measure = async (way: Way, i: number): Promise<Run> => {
      const number = 900 + i;
      const name = way === 'fixed' ? `pr-${number}` : `shop-pr-${number}`;
      const values =
        way === 'fixed'
          ? { components: shopComponents() }
          : { components: [], commit: commits[i] };
      const started = Date.now();
      await runTask(base, headers, {
        entity: ENTITY,
        name,
        type: 'pull-request',
        pullRequest: number,
        ttl: '72h',
        ...values,
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
          if (way === 'blueprint' && item.commit !== commits[i])
            throw new Error(`${name} runs ${item.commit}, not ${commits[i]}`);
          return { task, listed: listed!, healthy: Date.now() - started };
        }
        if (Date.now() - started > 60_000)
          throw new Error(`${name} not Healthy within 60 s`);
        await sleep(POLL_MS);
      }
    };

    // The registry lookups alone, as the action makes them: its tags at once, one long-lived client.
    const client = new OciRegistryClient([
      { host: registry.host, insecure: true },
    ]);
    const lookup = async (i: number): Promise<number> => {
      const started = performance.now();
      await Promise.all([
        client.resolve(
          `${registry.host}/shop/backend:${commits[i].slice(0, 7)}`,
        ),
        client.resolve(`${registry.host}/shop/storefront:1.8.0`),
      ]);
      return performance.now() - started;
    };

    const runs: Record<Way, Run[]> = { fixed: [], blueprint: [] };
    const lookups: number[] = [];
    // The first pair warms the scaffolder, the catalog and the registry up; it is not counted.
    for (let i = 0; i <= RUNS; i++) {
      // Alternating which goes first, so a drift in the machine's load falls on both alike.
      const order: Way[] =
        i % 2 ? ['blueprint', 'fixed'] : ['fixed', 'blueprint'];
      for (const way of order) {
        const run = await measure(way, i);
        if (i > 0) runs[way].push(run);
      }
      for (let j = 0; j < LOOKUPS_PER_RUN; j++) {
        const ms = await lookup(i);
        if (i > 0) lookups.push(ms);
      }
    }

    const lookupMedian = median(lookups);
    const cell = (values: number[]) =>
      `${Math.round(median(values))} / ${Math.round(percentile(values, 95))}`;
    const row = (what: string, pick: (run: Run) => number) => {
      const fixed = runs.fixed.map(pick);
      const blueprint = runs.blueprint.map(pick);
      return `| ${what} | ${cell(fixed)} | ${cell(blueprint)} | ${signed(
        pairedDifference(runs, pick),
      )} |`;
    };
    console.log(
      `\n"Create environment" end to end: real backend, Argo CD stand-in (${WAVE_DELAY_MS} ms per wave), local GitOps repository, Debian's docker-registry on ${registry.host} as on the embedded default; ${RUNS} runs of each way after one warm-up, alternating, polled every ${POLL_MS} ms, Node ${process.version}\n`,
    );
    console.log(
      '| from the task created to | fixed components, median / p95 (ms) | blueprint, tags resolved in the registry, median / p95 (ms) | blueprint minus fixed, median of the pairs (ms) |',
    );
    console.log('|---|---:|---:|---:|');
    console.log(
      row('task finished (rendered, validated, committed)', r => r.task),
    );
    console.log(
      row(
        'environment listed by the backend (the card shows it)',
        r => r.listed,
      ),
    );
    console.log(
      row(
        `environment Healthy, sync Succeeded (includes 4 waves of ${WAVE_DELAY_MS} ms)`,
        r => r.healthy,
      ),
    );
    const taskDelta = pairedDifference(runs, r => r.task);
    console.log(
      '\n| registry lookups alone | samples | median (ms) | p95 (ms) |',
    );
    console.log('|---|---:|---:|---:|');
    console.log(
      `| the blueprint's 2 tags at once (HEAD /v2/<name>/manifests/<tag>), as the action resolves them | ${
        lookups.length
      } | ${lookupMedian.toFixed(1)} | ${percentile(lookups, 95).toFixed(1)} |`,
    );
    console.log(
      `\nTask finished, blueprint minus fixed components, median of the ${RUNS} pairs: ${signed(
        taskDelta,
      )} ms; the lookups alone: ${lookupMedian.toFixed(1)} ms. ${
        taskDelta <= lookupMedian
          ? 'Within the lookups’ own time.'
          : `More than the lookups’ own time by ${Math.round(
              taskDelta - lookupMedian,
            )} ms (reading the blueprint and its value file, and the machine's noise).`
      } Load average ${loadAverage(
        loadAtStart,
      )} at the start, ${loadAverage()} at the end.`,
    );
  } finally {
    await stack.stop();
    await registry.stop();
  }
}

/** The median of each pair's difference, blueprint minus fixed: runs side by side share the load. */
function pairedDifference(
  runs: Record<Way, Run[]>,
  pick: (run: Run) => number,
): number {
  return median(
    runs.blueprint.map((run, i) => pick(run) - pick(runs.fixed[i])),
  );
}

function signed(ms: number): string {
  return `${ms > 0 ? '+' : ''}${Math.round(ms)}`;
}

/** The machine's 1-minute load average (of its CPUs), which these figures depend on. */
function loadAverage(at = os.loadavg()): string {
  return `${at[0].toFixed(1)} on ${os.cpus().length} CPUs`;
}

/** Waits until the catalog holds each entity (it ingests them a moment after the backend starts). */
async function untilInCatalog(
  base: string,
  headers: Record<string, string>,
  refs: string[],
) {
  const deadline = Date.now() + 120_000;
  for (const ref of refs) {
    while (
      !(await fetch(`${base}/api/catalog/entities/by-name/${ref}`, { headers }))
        .ok
    ) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${ref} in the catalog`);
      await sleep(500);
    }
  }
}

/**
 * Runs "Create environment" through the scaffolder's API, as the form's "Create" does, and waits
 * for the task to finish, asking every POLL_MS so the figure is the task's, not the polling's.
 */
async function runTask(
  base: string,
  headers: Record<string, string>,
  values: Record<string, unknown>,
): Promise<void> {
  const created = await fetch(`${base}/api/scaffolder/v2/tasks`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      templateRef: 'template:default/create-environment',
      values,
    }),
  });
  if (created.status !== 201)
    throw new Error(
      `task not created: ${created.status} ${await created.text()}`,
    );
  const { id } = await created.json();
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const task = await (
      await fetch(`${base}/api/scaffolder/v2/tasks/${encodeURIComponent(id)}`, {
        headers,
      })
    ).json();
    if (task.status === 'completed') return;
    if (task.status === 'failed' || task.status === 'cancelled') {
      const events = await (
        await fetch(
          `${base}/api/scaffolder/v2/tasks/${encodeURIComponent(id)}/events`,
          { headers },
        )
      ).json();
      const why = (events as Array<{ body: { message?: string } }>)
        .map(e => e.body.message)
        .filter(Boolean)
        .slice(-3)
        .join(' | ');
      throw new Error(`task ${id} ${task.status}: ${why}`);
    }
    await sleep(POLL_MS);
  }
  throw new Error(`task ${id} did not finish within 120 s`);
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
