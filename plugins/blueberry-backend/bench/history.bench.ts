/* eslint-disable no-console */
/**
 * Benchmark of the history route on the embedded default: a real local GitOps repository in which
 * one environment has 200 commits, the Argo CD stand-in reconciling it, and the backend plugin
 * reading it with git; measured beside the list route in the same run, one request at a time.
 * Run with `yarn bench:history` in this package; prints a markdown table. Not a test: figures vary by
 * machine (the issue asks for a history median under 50 ms).
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { startArgoCdStandIn } from '@blueberry-idp/argocd-standin';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { blueberryPlugin } from '../src/plugin';
import { entity } from '../src/__testUtils__/harness';
import { LifecycleRepo, shopSpec } from '../src/__testUtils__/lifecycleRepo';
import { LogRecorder, SignalRecorder } from '../src/testUtils/recorders';
import { sleep } from '@blueberry-idp/plugin-blueberry-common';

const TOKEN = 'bench-token';
const COMMITS = Number(process.env.BENCH_HISTORY_COMMITS ?? 200);
const REQUESTS = Number(process.env.BENCH_HISTORY_REQUESTS ?? 200);
const NAME = 'pr-200';

async function main() {
  const repo = await LifecycleRepo.create();
  const started = performance.now();
  // One create and then updates, each a new backend digest, as a merge request's pushes make them.
  for (let i = 0; i < COMMITS; i++) {
    const spec = shopSpec(NAME, '2099-01-01T00:00:00Z', repo.chartsURL);
    spec.components[0].image = `registry.example.com/shop/api@sha256:${i
      .toString(16)
      .padStart(64, '0')}`;
    await repo.add(spec, {
      update: i > 0,
      message: `blueberry: ${
        i ? 'update' : 'create'
      } environment ${NAME}\n\nReason: push ${i}\nRequested-by: user:default/jane\nTask: bench`,
    });
  }
  const buildS = (performance.now() - started) / 1000;

  const standIn = await startArgoCdStandIn({
    repoPath: repo.path,
    token: TOKEN,
    waveDelayMs: 10,
    pollIntervalMs: 200,
    onError: () => {},
  });
  const backend = await startTestBackend({
    features: [
      blueberryPlugin,
      catalogServiceMock.factory({
        entities: [entity('shop', { 'blueberry.io/app': 'shop' })],
      }),
      new LogRecorder().factory(),
      new SignalRecorder().factory(),
      mockServices.rootConfig.factory({
        data: {
          blueberry: {
            argocd: {
              instances: [{ name: 'local', url: standIn.url, token: TOKEN }],
            },
            gitops: { local: { path: repo.path, branch: 'main' } },
            lifecycle: { janitor: { enabled: false } },
          },
        },
      }),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}/api/blueberry`;
  const headers = { Authorization: mockCredentials.user.header() };
  const history = `${base}/environments/local/${NAME}/history`;

  // Until Argo CD (the stand-in) has deployed the newest commit.
  for (const deadline = Date.now() + 60_000; ; ) {
    const response = await fetch(history, { headers });
    const body = response.ok ? await response.json() : undefined;
    if (body?.items?.[0]?.current) break;
    if (Date.now() > deadline) throw new Error('the stand-in never deployed');
    await sleep(200);
  }
  const firstPage = await (await fetch(history, { headers })).json();
  // The sixth page's cursor (or the last page's, with fewer commits).
  let deep = firstPage.nextCursor as string;
  for (let page = 1; page < 5; page++) {
    const next = (
      await (await fetch(`${history}?cursor=${deep}`, { headers })).json()
    ).nextCursor;
    if (!next) break;
    deep = next;
  }
  const routes: Array<[string, string]> = [
    [
      'list: `GET /environments?entityRef=component:default/shop`',
      `${base}/environments?entityRef=${encodeURIComponent(
        'component:default/shop',
      )}`,
    ],
    ['history, newest page (20 commits): `GET .../history`', history],
    [
      'history, sixth page: `GET .../history?cursor=…`',
      `${history}?cursor=${deep}`,
    ],
    [
      'history, 100 commits: `GET .../history?limit=100`',
      `${history}?limit=100`,
    ],
  ];
  // Every revision, so that each request of the cold row asks for a page not remembered.
  const revisions: string[] = [];
  for (let cursor: string | undefined = undefined; ; ) {
    const page: { items: Array<{ revision: string }>; nextCursor?: string } =
      await (
        await fetch(
          `${history}?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
          {
            headers,
          },
        )
      ).json();
    revisions.push(...page.items.map(i => i.revision));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  routes.push([
    'history, cold: a page of 20 not read before (each request another `cursor`)',
    `${history}?cursor=`,
  ]);
  const rows: string[] = [];
  const medians = new Map<string, number>();
  for (const [label, url] of routes) {
    const cold = url.endsWith('cursor=');
    let next = 0;
    const urlOf = () =>
      cold ? `${url}${revisions[next++ % revisions.length]}` : url;
    const times = await measure(urlOf, headers, { warmUp: !cold });
    const bytes = (await (await fetch(urlOf(), { headers })).arrayBuffer())
      .byteLength;
    medians.set(label, quantile(times, 0.5));
    rows.push(
      `| ${label} | ${(bytes / 1024).toFixed(1)} | ${quantile(
        times,
        0.5,
      ).toFixed(1)} | ${quantile(times, 0.95).toFixed(1)} | ${Math.max(
        ...times,
      ).toFixed(1)} |`,
    );
  }
  await backend.stop();
  await standIn.stop();
  await repo.remove();

  console.log(
    `\nOne environment with ${COMMITS} commits in a local GitOps repository (built in ${buildS.toFixed(
      1,
    )} s), the stand-in reconciling it; ${REQUESTS} requests per route, one at a time, after 20 to warm up (but the cold row). A page read before is remembered: it costs a \`git rev-parse\` (newest page) or nothing of git (a cursor); a cold one a \`git log\`.\n`,
  );
  console.log(
    '| route | answer (KiB) | latency median (ms) | latency p95 (ms) | max (ms) |',
  );
  console.log('|---|---:|---:|---:|---:|');
  for (const row of rows) console.log(row);
  const historyMedian = medians.get(routes[1][0])!;
  console.log(
    `\nHistory median ${historyMedian.toFixed(1)} ms: ${
      historyMedian < 50 ? 'under' : 'NOT under'
    } the 50 ms the issue asks for.`,
  );
}

async function measure(
  urlOf: () => string,
  headers: Record<string, string>,
  options: { warmUp: boolean },
): Promise<number[]> {
  if (options.warmUp) {
    for (let i = 0; i < 20; i++)
      await (await fetch(urlOf(), { headers })).text();
  }
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const url = urlOf();
    const start = performance.now();
    const response = await fetch(url, { headers });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    times.push(performance.now() - start);
  }
  return times;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
