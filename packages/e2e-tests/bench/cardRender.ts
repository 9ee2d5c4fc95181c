/* eslint-disable no-console */
/**
 * Benchmark of the environments card in Debian's Chromium, against the real backend serving the built
 * app and the Argo CD stand-in with synthetic Applications: an entity with 20 environments and one with
 * 200. It measures
 *  - first render: from navigation start until the card's rows are in the DOM, with the backend's answer
 *    time (resource timing) beside it, then "Show all" until every row is;
 *  - update: from a sync started at the stand-in until the card shows it, and whether a signal or a
 *    poll brought it, with the long tasks (over 50 ms) from the sync until the environment settles.
 * Not a test: it prints a markdown table, and writes JSON to the file `BENCH_JSON` names, if any.
 * Run with `yarn bench` in this package (under `flock /tmp/blueberry-bench.lock`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import {
  ensureAppBuilt,
  EnvironmentStack,
  launchChromium,
  openAsGuest,
  repoRoot,
  startEnvironmentStack,
} from '../src/harness';
import { installProbe } from './pageProbe';
import { median, percentile } from './stats';

const RENDER_RUNS = Number(process.env.BENCH_RENDER_RUNS ?? 5);
const UPDATE_RUNS = Number(process.env.BENCH_UPDATE_RUNS ?? 10);
/** The card shows this many rows until "Show all" (plugins/blueberry COLLAPSED_ROWS). */
const COLLAPSED_ROWS = 10;
/** Short waves, so each sync settles quickly and the next run starts from a settled card. */
const WAVE_DELAY_MS = 200;
const ROWS = '[data-testid^="environment-"]';
const FIRST_SOCKET_WAIT_MS = 10_000;

interface Case {
  environments: number;
  app: string;
  entity: string;
}
const CASES: Case[] = [
  { environments: 20, app: 'app-01', entity: 'twenty-environments' },
  { environments: 200, app: 'app-02', entity: 'two-hundred-environments' },
];

interface RenderRun {
  /** Navigation start to the first rows of the card in the DOM. */
  firstRowsMs: number;
  /** The card's request to the backend: when it started and how long the answer took. */
  requestStartMs: number;
  backendAnswerMs: number;
  /** From the backend's answer to the rows in the DOM: the frontend's share. */
  answerToRowsMs: number;
  /** Navigation start to the signal socket open. */
  signalSocketOpenMs: number;
  /** "Show all" clicked to every row in the DOM and a frame drawn (none with 10 rows or fewer). */
  showAll?: ShowAll;
}

interface ShowAll {
  ms: number;
  longTasks: number;
  longestTaskMs: number;
}

interface UpdateRun {
  /** Sync started at the stand-in to the environment's row showing it. */
  changeToDomMs: number;
  /** What brought the change: a signal, or a poll with no signal before it. */
  path: 'signal' | 'poll';
  changeToSignalMs?: number;
  backendAnswerMs: number;
  answerToDomMs: number;
  /** Long tasks from the sync until the environment settled (every refetch of the sync's waves). */
  longTasks: number;
  longestTaskMs: number;
  /** Refetches of the environments the page made in that time. */
  refetches: number;
}

async function main() {
  ensureAppBuilt();
  const catalogFile = writeCatalog();
  const stack = await startEnvironmentStack({
    name: 'card-bench',
    waveDelayMs: WAVE_DELAY_MS,
    synthetic: {
      count: 220,
      apps: 2,
      environmentsPerApp: CASES.map(c => c.environments),
    },
    config: { catalog: catalogConfig(catalogFile) },
  });
  const browser = await launchChromium();
  let firstSocketOpenedMs: number | null = null;
  const results: {
    environments: number;
    render: RenderRun[];
    updates: Record<'collapsed' | 'expanded', UpdateRun[]>;
  }[] = [];
  try {
    const page = await browser.newPage({
      viewport: { width: 1400, height: 1000 },
    });
    await page.addInitScript(installProbe);
    // Signs the guest in once; later loads go straight to the page.
    await openAsGuest(page, entityUrl(stack, CASES[0]));
    firstSocketOpenedMs = await firstSocketOpened(page);
    for (const c of CASES) {
      const render: RenderRun[] = [];
      // One load first, unmeasured: the backend's first answer fills its caches.
      await loadCard(page, stack, c);
      for (let i = 0; i < RENDER_RUNS; i++)
        render.push(await measureRender(page, stack, c));
      const updates = {
        collapsed: [] as UpdateRun[],
        expanded: [] as UpdateRun[],
      };
      let synced = 0;
      for (const mode of ['collapsed', 'expanded'] as const) {
        await loadCard(page, stack, c);
        if (mode === 'expanded') await showAll(page, c.environments);
        await waitForSubscription(page, c);
        for (let i = 0; i < UPDATE_RUNS; i++) {
          synced += 1;
          updates[mode].push(
            await measureUpdate(page, stack, c, `${c.app}-pr-${synced}`),
          );
        }
      }
      results.push({ environments: c.environments, render, updates });
    }
  } finally {
    await browser.close();
    await stack.stop();
    fs.rmSync(path.dirname(catalogFile), { recursive: true, force: true });
  }

  const json = {
    benchmark: 'environments card in Chromium',
    chromium: browser.version(),
    node: process.version,
    renderRuns: RENDER_RUNS,
    updateRuns: UPDATE_RUNS,
    waveDelayMs: WAVE_DELAY_MS,
    firstPageSignalSocketOpenedMs: firstSocketOpenedMs,
    results,
  };
  console.log(markdown(json.chromium, results));
  console.log(
    `\nSignal socket of the first page after the backend started: ${
      firstSocketOpenedMs === null
        ? `never opened (waited ${FIRST_SOCKET_WAIT_MS / 1000} s)`
        : `opened ${firstSocketOpenedMs.toFixed(0)} ms after navigation`
    }; on later pages, median ${median(
      results.flatMap(r => r.render.map(x => x.signalSocketOpenMs)),
    ).toFixed(0)} ms.`,
  );
  if (process.env.BENCH_JSON) {
    fs.writeFileSync(process.env.BENCH_JSON, JSON.stringify(json, null, 2));
  }
}

/**
 * When the signal socket of the first page after the backend started opened, or null if it did not
 * open in time: the signals backend starts listening for WebSocket upgrades only on the first upgrade
 * request, which it leaves unanswered.
 */
async function firstSocketOpened(page: Page): Promise<number | null> {
  try {
    await page.waitForFunction(
      () => window.blueberryProbe.socketOpens.length > 0,
      undefined,
      { timeout: FIRST_SOCKET_WAIT_MS },
    );
  } catch {
    return null;
  }
  return page.evaluate(() => window.blueberryProbe.socketOpens[0]);
}

/** The two entities, in a catalog file the backend reads beside the repository's own. */
function writeCatalog(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blueberry-card-bench-'));
  const file = path.join(dir, 'entities.yaml');
  fs.writeFileSync(
    file,
    CASES.map(
      c => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${c.entity}
  annotations:
    blueberry.io/app: ${c.app}
spec:
  type: service
  lifecycle: experimental
  owner: group:default/team-shop
`,
    ).join('---\n'),
  );
  return file;
}

/** app-config's catalog (its relative paths made absolute) plus the benchmark's entities. */
function catalogConfig(file: string) {
  const examples = (name: string) => ({
    type: 'file',
    target: path.join(repoRoot, name),
  });
  return {
    rules: [{ allow: ['Component', 'System', 'Group', 'User', 'Location'] }],
    locations: [
      examples('examples/entities.yaml'),
      examples('examples/org.yaml'),
      { type: 'file', target: file },
    ],
  };
}

function entityUrl(stack: EnvironmentStack, c: Case): string {
  return `${stack.backend.baseUrl}/catalog/default/component/${c.entity}`;
}

/** Loads the entity page and waits for the card's first rows; the catalog may still be ingesting. */
async function loadCard(page: Page, stack: EnvironmentStack, c: Case) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    await page.goto(entityUrl(stack, c));
    try {
      await page.waitForFunction(
        ([selector, count]) =>
          document.querySelectorAll(selector).length === count,
        [ROWS, Math.min(c.environments, COLLAPSED_ROWS)] as const,
        { timeout: 30_000 },
      );
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}

async function measureRender(
  page: Page,
  stack: EnvironmentStack,
  c: Case,
): Promise<RenderRun> {
  await loadCard(page, stack, c);
  const first = await page.evaluate(
    ([count, entity]) => {
      const rows = window.blueberryProbe.rowCounts.find(r => r.count === count);
      const request = performance
        .getEntriesByType('resource')
        .find(e =>
          e.name.includes(
            `/api/blueberry/environments?entityRef=${encodeURIComponent(
              `component:default/${entity}`,
            )}`,
          ),
        ) as PerformanceResourceTiming | undefined;
      if (!rows || !request) throw new Error('no rows or no request recorded');
      return {
        firstRowsMs: rows.at,
        requestStartMs: request.startTime,
        backendAnswerMs: request.responseEnd - request.startTime,
        answerToRowsMs: rows.at - request.responseEnd,
      };
    },
    [Math.min(c.environments, COLLAPSED_ROWS), c.entity] as const,
  );
  const expanded =
    c.environments > COLLAPSED_ROWS
      ? { showAll: await showAll(page, c.environments) }
      : {};
  // Read last: the socket opens a moment after the first rows.
  await page.waitForFunction(
    () => window.blueberryProbe.socketOpens.length > 0,
    undefined,
    { timeout: 30_000 },
  );
  const signalSocketOpenMs = await page.evaluate(
    () => window.blueberryProbe.socketOpens[0],
  );
  return { ...first, ...expanded, signalSocketOpenMs };
}

/**
 * Clicks "Show all" and times it until every row is in the DOM and the next frame is drawn, with the
 * long tasks in that time.
 */
async function showAll(page: Page, count: number): Promise<ShowAll> {
  const { start, end } = await page.evaluate(
    ([selector, total]) =>
      new Promise<{ start: number; end: number }>((resolve, reject) => {
        const begun = performance.now();
        const done = () =>
          requestAnimationFrame(() =>
            setTimeout(() => resolve({ start: begun, end: performance.now() })),
          );
        const observer = new MutationObserver(() => {
          if (document.querySelectorAll(selector).length === total) {
            observer.disconnect();
            done();
          }
        });
        observer.observe(document.body, { childList: true, subtree: true });
        const button = [...document.querySelectorAll('button')].find(b =>
          b.textContent?.startsWith('Show all'),
        );
        if (!button) reject(new Error('no "Show all" button'));
        else button.click();
      }),
    [ROWS, count] as const,
  );
  // Long-task entries arrive a moment after their task.
  await page.waitForTimeout(200);
  const tasks = await page.evaluate(
    ([from, to]) =>
      window.blueberryProbe.longTasks.filter(
        t => t.start >= from && t.start <= to,
      ),
    [start, end] as const,
  );
  return {
    ms: end - start,
    longTasks: tasks.length,
    longestTaskMs: Math.max(0, ...tasks.map(t => t.duration)),
  };
}

/** Waits until the page has subscribed to the entity's signal channel, so no change goes unsignalled. */
async function waitForSubscription(page: Page, c: Case) {
  await page.waitForFunction(
    channel =>
      window.blueberryProbe.socketSends.some(s => s.data.includes(channel)),
    signalChannel(c),
    { timeout: 30_000 },
  );
}

function signalChannel(c: Case): string {
  return `blueberry:environments:component:default/${c.entity}`;
}

/**
 * Starts a sync of one environment at the stand-in and times it until the card shows the environment
 * syncing; then waits until it has settled, counting the long tasks and refetches in between.
 */
async function measureUpdate(
  page: Page,
  stack: EnvironmentStack,
  c: Case,
  application: string,
): Promise<UpdateRun> {
  const row = `[data-testid="environment-${application}"]`;
  const settledText = await page
    .locator(`${ROWS} [role="progressbar"]`)
    .first()
    .getAttribute('aria-valuetext');
  await page.evaluate(
    ([selector, settled]) => {
      const text = () =>
        document
          .querySelector(`${selector} [role="progressbar"]`)
          ?.getAttribute('aria-valuetext');
      window.blueberryUpdate = new Promise((resolve, reject) => {
        let changedAt: number | undefined;
        const timeout = setTimeout(
          () => reject(new Error(`${selector}: no update within 60 s`)),
          60_000,
        );
        const observer = new MutationObserver(() => {
          const now = text();
          if (changedAt === undefined && now && now !== settled)
            changedAt = performance.now();
          // Settled: its waves read as before, or (collapsed) it sorted back out of the first rows.
          if (changedAt !== undefined && (now === settled || !now)) {
            observer.disconnect();
            clearTimeout(timeout);
            resolve({ changedAt, settledAt: performance.now() });
          }
        });
        observer.observe(document.body, {
          childList: true,
          subtree: true,
          attributes: true,
          characterData: true,
        });
      });
    },
    [row, settledText] as const,
  );

  const timeOrigin = await page.evaluate(() => performance.timeOrigin);
  const syncedAt = Date.now() - timeOrigin;
  const response = await fetch(
    `${stack.standIn.url}/api/v1/applications/${application}/sync`,
    {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${stack.argocdToken}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ name: application }),
    },
  );
  if (!response.ok) throw new Error(`sync answered ${response.status}`);

  const { changedAt, settledAt } = await page.evaluate(
    () => window.blueberryUpdate,
  );
  // The last refetch of a sync may land after the row shows it settled.
  await page.waitForTimeout(300);

  return page.evaluate(
    ({ from, changed, settled, channel, entity }) => {
      const probe = window.blueberryProbe;
      const requests = (
        performance.getEntriesByType('resource') as PerformanceResourceTiming[]
      ).filter(
        e =>
          e.name.includes('/api/blueberry/environments?') &&
          e.name.includes(encodeURIComponent(entity)) &&
          e.startTime >= from,
      );
      const delivering = requests
        .filter(e => e.responseEnd <= changed)
        .sort((a, b) => b.responseEnd - a.responseEnd)[0];
      if (!delivering) throw new Error('no refetch delivered the change');
      const signal = probe.socketMessages.find(
        m => m.at >= from && m.data.includes(channel),
      );
      const signalled = signal && signal.at <= delivering.startTime;
      const tasks = probe.longTasks.filter(
        t => t.start >= from && t.start <= settled + 300,
      );
      return {
        changeToDomMs: changed - from,
        path: signalled ? ('signal' as const) : ('poll' as const),
        changeToSignalMs: signalled ? signal.at - from : undefined,
        backendAnswerMs: delivering.responseEnd - delivering.startTime,
        answerToDomMs: changed - delivering.responseEnd,
        longTasks: tasks.length,
        longestTaskMs: Math.max(0, ...tasks.map(t => t.duration)),
        refetches: requests.filter(e => e.startTime <= settled + 300).length,
      };
    },
    {
      from: syncedAt,
      changed: changedAt,
      settled: settledAt,
      channel: signalChannel(c),
      entity: `component:default/${c.entity}`,
    },
  );
}

function showAllCells(render: RenderRun[]): string {
  const runs = render.flatMap(r => (r.showAll ? [r.showAll] : []));
  if (runs.length === 0) return 'all shown | none';
  return `${ms(runs.map(r => r.ms))} | ${median(
    runs.map(r => r.longTasks),
  )} (${Math.max(...runs.map(r => r.longestTaskMs)).toFixed(0)})`;
}

/** Median / p95 of some times, in whole milliseconds. */
function ms(values: number[]): string {
  return `${median(values).toFixed(0)} / ${percentile(values, 95).toFixed(0)}`;
}

function markdown(
  chromium: string,
  results: {
    environments: number;
    render: RenderRun[];
    updates: Record<'collapsed' | 'expanded', UpdateRun[]>;
  }[],
): string {
  const lines = [
    `Environments card in headless Chromium ${chromium}, real backend and built app, Argo CD stand-in; ` +
      `${RENDER_RUNS} page loads and ${UPDATE_RUNS} syncs per row, median / p95 in ms, Node ${process.version}`,
    '',
    '| environments | navigation to first rows | of which: backend answer | answer to rows in DOM | "Show all" to every row drawn | long tasks in "Show all" (max ms) |',
    '|---:|---:|---:|---:|---:|---:|',
    ...results.map(
      r =>
        `| ${r.environments} | ${ms(r.render.map(x => x.firstRowsMs))} | ${ms(
          r.render.map(x => x.backendAnswerMs),
        )} | ${ms(r.render.map(x => x.answerToRowsMs))} | ${showAllCells(
          r.render,
        )} |`,
    ),
    '',
    '| environments | rows shown | sync at Argo CD to card updated | of which: to signal | backend answer | answer to DOM | updated by | long tasks per sync (max ms) | refetches per sync |',
    '|---:|---:|---:|---:|---:|---:|---|---:|---:|',
  ];
  for (const r of results) {
    for (const mode of ['collapsed', 'expanded'] as const) {
      const runs = r.updates[mode];
      const signalled = runs.filter(u => u.path === 'signal');
      const shown =
        mode === 'collapsed'
          ? Math.min(r.environments, COLLAPSED_ROWS)
          : r.environments;
      if (mode === 'expanded' && r.environments <= COLLAPSED_ROWS) continue;
      lines.push(
        `| ${r.environments} | ${shown} | ${ms(
          runs.map(u => u.changeToDomMs),
        )} | ${
          signalled.length
            ? ms(signalled.map(u => u.changeToSignalMs!))
            : 'none'
        } | ${ms(runs.map(u => u.backendAnswerMs))} | ${ms(
          runs.map(u => u.answerToDomMs),
        )} | signal ${signalled.length}/${runs.length} | ${median(
          runs.map(u => u.longTasks),
        )} (${Math.max(...runs.map(u => u.longestTaskMs)).toFixed(
          0,
        )}) | ${median(runs.map(u => u.refetches))} |`,
      );
    }
  }
  return lines.join('\n');
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
