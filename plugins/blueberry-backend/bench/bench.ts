/* eslint-disable no-console */
/**
 * Benchmark of the backend plugin against the Argo CD stand-in with 1,000 Applications.
 * Run with `yarn bench` in this package; prints a markdown table. Not a test: figures vary by machine.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { startArgoCdStandIn } from '@blueberry-idp/argocd-standin';
import {
  environmentSignalChannel,
  sleep,
} from '@blueberry-idp/plugin-blueberry-common';
import autocannon from 'autocannon';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { blueberryPlugin } from '../src/plugin';
import { EnvironmentService } from '../src/services/EnvironmentService';
import { entity } from '../src/__testUtils__/harness';
import { LogRecorder, SignalRecorder } from '../src/testUtils/recorders';

const TOKEN = 'bench-token';
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);

async function main() {
  const standIn = await startArgoCdStandIn({
    token: TOKEN,
    waveDelayMs: 200,
    // app-01 has 20 environments, app-02 has 200, the other 780 spread over 8 more apps.
    synthetic: { count: 1000, apps: 10, environmentsPerApp: [20, 200] },
  });
  const heapPer1000 = await measureHeap(standIn.url);

  const signals = new SignalRecorder();
  const backend = await startTestBackend({
    features: [
      blueberryPlugin,
      catalogServiceMock.factory({
        entities: [
          entity('twenty', { 'blueberry.io/app': 'app-01' }),
          entity('two-hundred', { 'blueberry.io/app': 'app-02' }),
        ],
      }),
      new LogRecorder().factory(),
      signals.factory(),
      mockServices.rootConfig.factory({
        data: {
          blueberry: {
            argocd: {
              instances: [{ name: 'local', url: standIn.url, token: TOKEN }],
            },
          },
        },
      }),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}/api/blueberry`;
  const headers = { Authorization: mockCredentials.user.header() };

  const rows: string[] = [];
  for (const [name, envs] of [
    ['twenty', 20],
    ['two-hundred', 200],
  ] as const) {
    const url = `${base}/environments?entityRef=component:default/${name}`;
    const first = await fetch(url, { headers });
    const body = (await first.json()) as { items: unknown[] };
    if (body.items.length !== envs)
      throw new Error(
        `expected ${envs} environments, got ${body.items.length}`,
      );
    // A browser asks with Accept-Encoding: gzip; the answer is then gzipped once, not per view.
    for (const [connections, encoding] of [
      [1, 'identity'],
      [50, 'identity'],
      [50, 'gzip'],
    ] as const) {
      standIn.stats.reset();
      const loopBefore = performance.eventLoopUtilization();
      const result = await autocannon({
        url,
        connections,
        duration: DURATION_S,
        headers: { ...headers, 'Accept-Encoding': encoding },
        // The load generator runs on a thread of its own, so it does not share the backend's event loop.
        workers: 1,
      });
      if (result.non2xx > 0 || result.errors > 0)
        throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors`);
      const views = result.requests.total;
      // Time this thread (the backend's event loop; the stand-in idles in steady state) was busy per
      // view: what a view costs, whatever else the machine is doing.
      const busyMs = performance.eventLoopUtilization(loopBefore).active;
      const kib = (bytes: number) => Math.round(bytes / 1024);
      rows.push(
        `| ${envs} | ${encoding} | ${kib(
          result.throughput.total / views,
        )} | ${connections} | ${views} | ${(
          standIn.stats.total / views
        ).toFixed(3)} | ${result.latency.p50} | ${
          result.latency.p99
        } | ${Math.round(result.requests.average)} | ${Math.round(
          (busyMs * 1000) / views,
        )} |`,
      );
    }
  }

  // Time from a change in Argo CD (a sync starts) to the signal on the entity's channel.
  const delays: number[] = [];
  const channel = environmentSignalChannel('component:default/twenty');
  for (let i = 1; i <= 5; i++) {
    const before = signals.published.length;
    const started = Date.now();
    const res = await fetch(
      `${standIn.url}/api/v1/applications/app-01-pr-${i}/sync`,
      {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${TOKEN}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ name: `app-01-pr-${i}` }),
      },
    );
    if (!res.ok) throw new Error(`sync answered ${res.status}`);
    for (;;) {
      const signal = signals.published
        .slice(before)
        .find(s => s.channel === channel);
      if (signal) {
        delays.push(signal.at - started);
        break;
      }
      if (Date.now() - started > 5000) throw new Error('no signal within 5 s');
      await sleep(2);
    }
  }
  delays.sort((a, b) => a - b);

  console.log(
    `\nBlueberry backend benchmark: Argo CD stand-in with 1,000 Applications, ${DURATION_S} s per run, Node ${process.version}\n`,
  );
  console.log(
    '| environments | Accept-Encoding | answer (KiB) | concurrent clients | page views | Argo CD requests per view | latency median (ms) | latency p99 (ms) | views/s | backend busy per view (µs) |',
  );
  console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) console.log(row);
  console.log('\n| figure | value |');
  console.log('|---|---:|');
  console.log(
    `| change in Argo CD to signal, median of 5 (ms) | ${delays[2]} |`,
  );
  console.log(
    `| change in Argo CD to signal, worst of 5 (ms) | ${delays[4]} |`,
  );
  console.log(
    `| cache heap per 1,000 Applications (MiB) | ${
      heapPer1000 === undefined
        ? 'run with --expose-gc'
        : heapPer1000.toFixed(1)
    } |`,
  );

  await backend.stop();
  await standIn.stop();
}

/** Heap held by the cache of 1,000 Applications, with every environment built once. */
async function measureHeap(url: string): Promise<number | undefined> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  gc();
  const before = process.memoryUsage().heapUsed;
  const service = EnvironmentService.create({
    instances: [{ name: 'local', url, token: TOKEN }],
    selector: 'blueberry.io/role',
    logger: new LogRecorder(),
  });
  service.start();
  const all = await service.environmentsFor({
    key: 'every Application',
    matches: () => true,
  });
  if (all.items.length < 1000)
    throw new Error(`cache holds ${all.items.length} environments`);
  gc();
  const after = process.memoryUsage().heapUsed;
  // Every Application the watch holds: the environments and the root (app-of-apps) above them.
  const count = all.items.length + (all.root ? 1 : 0);
  await service.stop();
  return ((after - before) / 1024 / 1024) * (1000 / count);
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
