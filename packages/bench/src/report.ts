import { BackendKind, backendKinds, backendLabels } from './backends';
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
