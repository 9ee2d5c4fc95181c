/**
 * Render-time benchmark of the environments card with 50 environments, in jsdom: the median of N
 * renders from mount until the rows are in the DOM, collapsed (10 rows) and expanded (all 50).
 * Not a test: it prints a markdown table. Run with `yarn bench` in this package.
 */
// bench/setupDom.ts is preloaded (node -r) so the DOM exists before React and MUI load.
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  TestApiProvider,
  wrapInTestApp,
} from '@backstage/test-utils';
import { createRoot } from 'react-dom/client';
import { performance } from 'node:perf_hooks';
import { blueberryApiRef } from '../src/api';
import { EnvironmentsCard } from '../src/components/EnvironmentsCard';
import {
  FakeBlueberryApi,
  manyEnvironments,
  shopEntity,
  shopResponse,
} from '../src/__testUtils__/fakeBlueberryApi';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const WARMUP = 3;

function rows(): number {
  return document.querySelectorAll('[data-testid^="environment-"]').length;
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) {
    await new Promise(resolve => setTimeout(resolve, 0));
  }
}

async function renderOnce(count: number, expand: boolean): Promise<number> {
  const api = new FakeBlueberryApi(
    shopResponse({ items: manyEnvironments(count) }),
  );
  const container = document.createElement('div');
  document.body.appendChild(container);
  const root = createRoot(container);
  const start = performance.now();
  root.render(
    wrapInTestApp(
      <TestApiProvider
        apis={[
          [blueberryApiRef, api],
          // The card asks whether the user may act; the bench measures it allowed (every button drawn).
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <EntityProvider entity={shopEntity}>
          <EnvironmentsCard />
        </EntityProvider>
      </TestApiProvider>,
    ),
  );
  await until(() => rows() > 0);
  if (expand) {
    const button = [...document.querySelectorAll('button')].find(b =>
      b.textContent?.startsWith('Show all'),
    )!;
    button.click();
    await until(() => rows() === count);
  }
  const elapsed = performance.now() - start;
  root.unmount();
  container.remove();
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

async function main() {
  const cases = [
    { label: 'card, 4 environments', count: 4, expand: false },
    {
      label: 'card, 50 environments (10 rows shown)',
      count: 50,
      expand: false,
    },
    {
      label: 'card, 50 environments, expanded (50 rows)',
      count: 50,
      expand: true,
    },
  ];
  const lines = [
    `Render time of the environments card in jsdom (React production build), ${RUNS} runs after ${WARMUP} warm-up, Node ${process.version}`,
    '',
    '| case | median ms | p90 ms | min ms |',
    '|---|---:|---:|---:|',
  ];
  for (const c of cases) {
    for (let i = 0; i < WARMUP; i++) await renderOnce(c.count, c.expand);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++)
      times.push(await renderOnce(c.count, c.expand));
    lines.push(
      `| ${c.label} | ${median(times).toFixed(1)} | ${percentile(
        times,
        90,
      ).toFixed(1)} | ${Math.min(...times).toFixed(1)} |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  },
);
