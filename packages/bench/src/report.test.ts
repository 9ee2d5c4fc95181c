import { notAhead } from './document';
import { quantile } from './load';
import type { LoadRow, MemoryRow } from './report';
import { markdownTable, p99Ratio, ratioTable, timesBetter } from './report';

function row(
  kind: LoadRow['kind'],
  medianMs: number,
  p99Ms: number,
  viewsPerSecond: number,
  argocdRequestsPerView: number,
): LoadRow {
  return {
    applications: 1000,
    environments: 200,
    connections: 50,
    kind,
    argocdRequestsPerView,
    load: {
      views: viewsPerSecond * 5,
      viewsPerSecond,
      medianMs,
      p99Ms,
      p99AtLeast: false,
      errors: 0,
      non2xx: 0,
    },
  };
}

describe('timesBetter', () => {
  it('divides the anchor by ours when lower is better, ours by the anchor otherwise', () => {
    expect(timesBetter(10, 30, true)).toBe('3.0×');
    expect(timesBetter(300, 20, false)).toBe('15×');
    expect(timesBetter(40, 20, true)).toBe('0.5×');
  });

  it('says so when ours is zero instead of dividing by it', () => {
    expect(timesBetter(0, 2, true)).toBe('∞ (ours 0)');
    expect(timesBetter(0, 0, true)).toBe('equal');
    expect(timesBetter(NaN, 2, true)).toBe('n/a');
  });
});

describe('p99Ratio', () => {
  it('marks a ratio against a p99 cut off by the end of the run as a bound', () => {
    const ours = row('blueberry', 10, 500, 600, 0).load;
    const anchor = row('roadie', 100, 5000, 20, 2).load;
    expect(p99Ratio(ours, anchor)).toBe('10×');
    expect(p99Ratio(ours, { ...anchor, p99AtLeast: true })).toBe('≥10×');
    expect(p99Ratio({ ...ours, p99AtLeast: true }, anchor)).toBe('≤10×');
  });
});

describe('quantile', () => {
  it('takes the nearest rank', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(samples, 0.5)).toBe(50);
    expect(quantile(samples, 0.99)).toBe(99);
    expect(quantile([7], 0.99)).toBe(7);
    expect(quantile([], 0.5)).toBeUndefined();
  });
});

describe('tables', () => {
  it('right-aligns the columns asked for', () => {
    expect(markdownTable(['a', 'b'], [['x', '1']], [false, true])).toBe(
      '| a | b |\n| --- | ---: |\n| x | 1 |',
    );
  });

  it('pairs ours with each anchor on the same scale, entity and clients', () => {
    const table = ratioTable([
      row('blueberry', 10, 50, 600, 0),
      row('roadie', 100, 1000, 20, 2),
      row('community', 50, 500, 40, 1),
    ]);
    const lines = table.split('\n').slice(2);
    expect(lines).toEqual([
      '| 1,000 | 200 | 50 | Roadie argo-cd-backend 4.8.0 | 30× | 10× | 20× | 0.00 vs 2.00 |',
      '| 1,000 | 200 | 50 | community argocd-backend 1.5.0 | 15× | 5.0× | 10× | 0.00 vs 1.00 |',
    ]);
  });
});

describe('notAhead', () => {
  it('lists exactly the figures where ours is not ahead', () => {
    const memory: MemoryRow[] = [
      {
        applications: 1000,
        kind: 'blueberry',
        peakRssBytes: 300 * 2 ** 20,
        peakHeapBytes: 0,
        retainedHeapBytes: 100 * 2 ** 20,
        readyMs: 9000,
      },
      {
        applications: 1000,
        kind: 'roadie',
        peakRssBytes: 200 * 2 ** 20,
        peakHeapBytes: 0,
        retainedHeapBytes: 120 * 2 ** 20,
        readyMs: 10000,
      },
    ];
    const lines = notAhead(
      [row('blueberry', 10, 600, 600, 0), row('roadie', 100, 500, 20, 2)],
      memory,
    );
    expect(lines).toEqual([
      '1,000 Applications, 200 environments, 50 clients: p99 latency 600.0 ms against 500.0 ms for Roadie argo-cd-backend 4.8.0.',
      '1,000 Applications: peak RSS 300 MiB against 200 MiB for Roadie argo-cd-backend 4.8.0.',
    ]);
  });
});
