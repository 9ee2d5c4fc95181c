import {
  BackendKind,
  backendKinds,
  backendLabels,
  isUserTokenKind,
} from './backends';
import type { LoadResult } from './load';

/** One measured load run: one backend, one entity, one number of concurrent clients. */
export interface LoadRow {
  applications: number;
  environments: number;
  connections: number;
  kind: BackendKind;
  load: LoadResult;
  /** Argo CD API requests the stand-in counted during the run, divided by the views served. */
  argocdRequestsPerView: number;
}

/** Peak memory of one backend process over its whole life at one scale (start-up, warm-up, runs). */
export interface MemoryRow {
  applications: number;
  kind: BackendKind;
  peakRssBytes: number;
  peakHeapBytes: number;
  /** Heap in use after a full GC at the end, the load runs over. */
  retainedHeapBytes: number;
  /** From fork to the first correct answer for every entity (for ours: the watch has synced). */
  readyMs: number;
}

/** Peak memory of a backend that served the same fixed rate of views as the others. */
export interface EqualRateMemoryRow {
  applications: number;
  environments: number;
  kind: BackendKind;
  askedViewsPerSecond: number;
  load: LoadResult;
  peakRssBytes: number;
  peakHeapBytes: number;
  retainedHeapBytes: number;
}

/** Markdown table from a header and rows; numeric-looking columns are right-aligned. */
export function markdownTable(
  header: string[],
  rows: string[][],
  rightAligned: boolean[] = header.map((_, i) => i > 0),
): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(header),
    line(header.map((_, i) => (rightAligned[i] ? '---:' : '---'))),
    ...rows.map(line),
  ].join('\n');
}

const ms = (value: number) =>
  Number.isFinite(value) ? value.toFixed(value < 10 ? 1 : 0) : 'n/a';
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

/**
 * How many times better ours is than an anchor on one figure: above 1 we are ahead, below 1 behind.
 * For "lower is better" figures (latency, Argo CD calls, memory) that is anchor ÷ ours.
 */
export function timesBetter(
  ours: number,
  anchor: number,
  lowerIsBetter: boolean,
): string {
  const [num, den] = lowerIsBetter ? [anchor, ours] : [ours, anchor];
  if (!Number.isFinite(num) || !Number.isFinite(den)) return 'n/a';
  if (den === 0) return num === 0 ? 'equal' : '∞ (ours 0)';
  const ratio = num / den;
  return `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1)}×`;
}

/**
 * The p99 ratio, marked when a p99 is a lower bound (a view cut off by the end of the run): an
 * anchor's lower bound makes ours at least that much better, ours makes it at most.
 */
export function p99Ratio(ours: LoadResult, anchor: LoadResult): string {
  const ratio = timesBetter(ours.p99Ms, anchor.p99Ms, true);
  if (ours.p99AtLeast && anchor.p99AtLeast) return 'n/a (both cut off)';
  if (anchor.p99AtLeast) return `≥${ratio}`;
  if (ours.p99AtLeast) return `≤${ratio}`;
  return ratio;
}

/** The load table of one scale: every backend, entity and client count. */
export function loadTable(rows: LoadRow[]): string {
  return markdownTable(
    [
      'environments',
      'clients',
      'backend',
      'views/s',
      'median (ms)',
      'p99 (ms)',
      'Argo CD requests per view',
      'errors',
      'non-2xx',
    ],
    rows.map(r => [
      String(r.environments),
      String(r.connections),
      backendLabels[r.kind],
      r.load.viewsPerSecond.toFixed(0),
      ms(r.load.medianMs),
      `${r.load.p99AtLeast ? '≥' : ''}${ms(r.load.p99Ms)}`,
      r.argocdRequestsPerView.toFixed(2),
      String(r.load.errors),
      String(r.load.non2xx),
    ]),
    [true, true, false, true, true, true, true, true, true],
  );
}

/** Ours against each anchor, per scale, entity and client count. */
export function ratioTable(rows: LoadRow[]): string {
  const find = (like: LoadRow, kind: BackendKind) =>
    rows.find(
      r =>
        r.kind === kind &&
        r.applications === like.applications &&
        r.environments === like.environments &&
        r.connections === like.connections,
    );
  const out: string[][] = [];
  for (const ours of rows.filter(r => r.kind === 'blueberry')) {
    for (const kind of backendKinds.filter(k => k !== 'blueberry')) {
      const anchor = find(ours, kind);
      if (!anchor) continue;
      out.push([
        ours.applications.toLocaleString('en-US'),
        String(ours.environments),
        String(ours.connections),
        backendLabels[kind],
        timesBetter(
          ours.load.viewsPerSecond,
          anchor.load.viewsPerSecond,
          false,
        ),
        timesBetter(ours.load.medianMs, anchor.load.medianMs, true),
        p99Ratio(ours.load, anchor.load),
        `${ours.argocdRequestsPerView.toFixed(
          2,
        )} vs ${anchor.argocdRequestsPerView.toFixed(2)}`,
      ]);
    }
  }
  return markdownTable(
    [
      'Applications',
      'environments',
      'clients',
      'ours against',
      'views/s',
      'median latency',
      'p99 latency',
      'Argo CD requests per view (ours vs anchor)',
    ],
    out,
    [true, true, true, false, true, true, true, true],
  );
}

/** Peak memory of each backend process, with ours against each anchor. */
export function memoryTable(rows: MemoryRow[]): string {
  return markdownTable(
    [
      'Applications',
      'backend',
      'peak RSS (MiB)',
      'peak heap (MiB)',
      'heap after GC at the end (MiB)',
      'ready after (s)',
      'RSS: ours better by',
    ],
    rows.map(r => {
      const ours = rows.find(
        o => o.kind === 'blueberry' && o.applications === r.applications,
      );
      return [
        r.applications.toLocaleString('en-US'),
        backendLabels[r.kind],
        mib(r.peakRssBytes),
        mib(r.peakHeapBytes),
        mib(r.retainedHeapBytes),
        (r.readyMs / 1000).toFixed(1),
        r.kind === 'blueberry' || !ours
          ? ''
          : timesBetter(ours.peakRssBytes, r.peakRssBytes, true),
      ];
    }),
    [true, false, true, true, true, true, true],
  );
}

/** Peak memory at the same fixed rate of views, with ours against each anchor. */
export function equalRateMemoryTable(rows: EqualRateMemoryRow[]): string {
  return markdownTable(
    [
      'Applications',
      'backend',
      'views/s served',
      'median (ms)',
      'peak RSS (MiB)',
      'peak heap (MiB)',
      'heap after GC at the end (MiB)',
      'RSS: ours better by',
      'peak heap: ours better by',
    ],
    rows.map(r => {
      const ours = rows.find(
        o => o.kind === 'blueberry' && o.applications === r.applications,
      );
      const against = r.kind === 'blueberry' || !ours;
      return [
        r.applications.toLocaleString('en-US'),
        backendLabels[r.kind],
        r.load.viewsPerSecond.toFixed(0),
        r.load.medianMs.toFixed(1),
        mib(r.peakRssBytes),
        mib(r.peakHeapBytes),
        mib(r.retainedHeapBytes),
        against ? '' : timesBetter(ours.peakRssBytes, r.peakRssBytes, true),
        against ? '' : timesBetter(ours.peakHeapBytes, r.peakHeapBytes, true),
      ];
    }),
    [true, false, true, true, true, true, true, true, true],
  );
}

/** The service-token row of ours a user-token row is compared with: same scale, entity and clients. */
function serviceTokenRowOf(
  rows: LoadRow[],
  like: LoadRow,
): LoadRow | undefined {
  return rows.find(
    r =>
      r.kind === 'blueberry' &&
      r.applications === like.applications &&
      r.environments === like.environments &&
      r.connections === like.connections,
  );
}

const signedMs = (value: number) =>
  Number.isFinite(value)
    ? `${value < 0 ? '−' : '+'}${Math.abs(value).toFixed(1)}`
    : 'n/a';

const usText = (value: number) =>
  Number.isFinite(value) ? value.toFixed(0) : 'n/a';

/** "added 125 µs"; a negative difference is run-to-run noise on a shared machine, and said so. */
export function addedTime(us: number): string {
  if (!Number.isFinite(us)) return 'added n/a µs';
  if (us < 0) {
    return `added nothing measurable (${usText(us).replace(
      '-',
      '−',
    )} µs, within this run's noise)`;
  }
  return `added ${usText(us)} µs`;
}

/**
 * Ours behind a user's token and the permission policy, each run next to ours behind the service
 * token at the same scale, entity and clients, with what the user token adds to the view.
 */
export function userTokenTable(rows: LoadRow[]): string {
  const out: string[][] = [];
  const shown = new Set<LoadRow>();
  // Grouped by scale, entity and clients, so each service-token row heads all the runs it compares with.
  const userRows = rows
    .filter(r => isUserTokenKind(r.kind))
    .sort(
      (a, b) =>
        a.applications - b.applications ||
        a.environments - b.environments ||
        a.connections - b.connections,
    );
  for (const user of userRows) {
    const service = serviceTokenRowOf(rows, user);
    const group = service ? [service, user] : [user];
    for (const r of group) {
      if (shown.has(r)) continue;
      shown.add(r);
      const isBase = r === service;
      const base = isBase ? undefined : service;
      const added = (value: string) => (isBase ? '' : value);
      out.push([
        r.applications.toLocaleString('en-US'),
        String(r.environments),
        String(r.connections),
        r.kind === 'blueberry' ? 'ours, service token' : backendLabels[r.kind],
        r.load.viewsPerSecond.toFixed(0),
        ms(r.load.medianMs),
        `${r.load.p99AtLeast ? '≥' : ''}${ms(r.load.p99Ms)}`,
        added(base ? signedMs(r.load.medianMs - base.load.medianMs) : 'n/a'),
        added(
          base
            ? `${(
                (r.load.viewsPerSecond / base.load.viewsPerSecond) *
                100
              ).toFixed(0)}%`
            : 'n/a',
        ),
        String(r.load.errors),
        String(r.load.non2xx),
      ]);
    }
  }
  return markdownTable(
    [
      'Applications',
      'environments',
      'clients',
      'caller',
      'views/s',
      'median (ms)',
      'p99 (ms)',
      'median added (ms)',
      'views/s of the service token’s',
      'errors',
      'non-2xx',
    ],
    out,
    [true, true, true, false, true, true, true, true, true, true, true],
  );
}

/**
 * One sentence on what the user-token rows mean, from the fully loaded small entity: there the
 * backend is saturated, so 1 ÷ views/s is its time per view and the differences are what a user
 * token, the policy and (without the cache) the catalog read add to each view.
 */
export function userTokenCostSentence(rows: LoadRow[]): string {
  const loaded = rows.filter(r => isUserTokenKind(r.kind));
  const cached = loaded.find(r => r.kind === 'blueberry-user');
  const uncached = loaded.find(r => r.kind === 'blueberry-user-uncached');
  const at = uncached ?? cached;
  if (!at) return 'No user-token run in this report.';
  const service = serviceTokenRowOf(rows, at);
  const cachedHere = loaded.find(
    r =>
      r.kind === 'blueberry-user' &&
      r.applications === at.applications &&
      r.environments === at.environments &&
      r.connections === at.connections,
  );
  if (!service || !cachedHere) {
    return 'This run has no service-token or cached row to compare the user-token rows with.';
  }
  const perViewUs = (r: LoadRow) => 1e6 / r.load.viewsPerSecond;
  const where = `At ${at.connections} clients on the ${at.environments}-environment entity (the backend saturated, so 1 ÷ views/s is its time per view)`;
  const tokenCost = `${where}, verifying a user's token and reusing the cached permission decision and catalog read ${addedTime(
    perViewUs(cachedHere) - perViewUs(service),
  )} to the service token's ${usText(perViewUs(service))} µs per view`;
  if (!uncached || uncached === cachedHere) return `${tokenCost}.`;
  return `${tokenCost}; with the access cache off, asking the permission policy and reading the entity from the catalog on every view ${addedTime(
    perViewUs(uncached) - perViewUs(cachedHere),
  )} more, which is what the cache saves.`;
}
