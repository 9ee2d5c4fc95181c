import { notAhead } from './document';
import { quantile } from './load';
import type { EqualRateMemoryRow, LoadRow, MemoryRow } from './report';
import {
  addedTime,
  equalRateMemoryTable,
  markdownTable,
  p99Ratio,
  ratioTable,
  timesBetter,
  userTokenCostSentence,
  userTokenTable,
} from './report';
import { backendConfig, clientCountsOf } from './backends';

function row(
  kind: LoadRow['kind'],
  medianMs: number,
  p99Ms: number,
  viewsPerSecond: number,
  argocdRequestsPerView: number,
  where: { environments: number; connections: number } = {
    environments: 200,
    connections: 50,
  },
): LoadRow {
  return {
    applications: 1000,
    ...where,
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

describe('equalRateMemoryTable', () => {
  const at50 = (
    kind: EqualRateMemoryRow['kind'],
    peakRssMiB: number,
    peakHeapMiB: number,
  ): EqualRateMemoryRow => ({
    applications: 1000,
    environments: 20,
    kind,
    askedViewsPerSecond: 50,
    load: {
      views: 1000,
      viewsPerSecond: 50,
      medianMs: 4,
      p99Ms: 9,
      p99AtLeast: false,
      errors: 0,
      non2xx: 0,
    },
    peakRssBytes: peakRssMiB * 2 ** 20,
    peakHeapBytes: peakHeapMiB * 2 ** 20,
    retainedHeapBytes: 120 * 2 ** 20,
  });

  it('gives each anchor the ratio of its peak to ours, above 1x where ours is lower', () => {
    const lines = equalRateMemoryTable([
      at50('blueberry', 600, 300),
      at50('roadie', 660, 240),
    ]).split('\n');
    expect(lines[2].split('|').map(c => c.trim())).toEqual([
      '',
      '1,000',
      'Blueberry (ours)',
      '50',
      '4.0',
      '600',
      '300',
      '120',
      '',
      '',
      '',
    ]);
    // Roadie's RSS is 1.1 times ours (ours lower), its heap 0.8 times ours (ours higher).
    expect(lines[3]).toContain('| 1.1× ');
    expect(lines[3]).toContain('| 0.8× ');
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

describe('ours behind a user token', () => {
  const twentyAt50 = { environments: 20, connections: 50 };
  const twentyAt1 = { environments: 20, connections: 1 };
  const rows = [
    row('blueberry', 4, 20, 2000, 0, twentyAt50),
    row('blueberry', 0.5, 1, 900, 0, twentyAt1),
    row('roadie', 100, 500, 20, 2, twentyAt50),
    row('blueberry-user', 0.8, 2, 600, 0, twentyAt1),
    row('blueberry-user', 5, 25, 1600, 0, twentyAt50),
    row('blueberry-user', 9, 30, 700, 0, {
      environments: 200,
      connections: 50,
    }),
    row('blueberry-user-uncached', 12, 40, 500, 0, twentyAt50),
  ];

  it('puts each user-token run under the service-token run it differs from', () => {
    const lines = userTokenTable(rows).split('\n').slice(2);
    expect(lines).toEqual([
      '| 1,000 | 20 | 1 | ours, service token | 900 | 0.5 | 1.0 |  |  | 0 | 0 |',
      '| 1,000 | 20 | 1 | ours, user token + policy | 600 | 0.8 | 2.0 | +0.3 | 67% | 0 | 0 |',
      '| 1,000 | 20 | 50 | ours, service token | 2000 | 4.0 | 20 |  |  | 0 | 0 |',
      '| 1,000 | 20 | 50 | ours, user token + policy | 1600 | 5.0 | 25 | +1.0 | 80% | 0 | 0 |',
      '| 1,000 | 20 | 50 | ours, user token + policy, access cache off | 500 | 12 | 40 | +8.0 | 25% | 0 | 0 |',
      '| 1,000 | 200 | 50 | ours, user token + policy | 700 | 9.0 | 30 | n/a | n/a | 0 | 0 |',
    ]);
  });

  it('states the time per view each step adds at full load', () => {
    // 1e6 / 2000 = 500 µs, / 1600 = 625 µs (+125), / 500 = 2000 µs (+1375 over the cached run).
    expect(userTokenCostSentence(rows)).toBe(
      "At 50 clients on the 20-environment entity (the backend saturated, so 1 ÷ views/s is its time per view), verifying a user's token and reusing the cached permission decision and catalog read added 125 µs to the service token's 500 µs per view; with the access cache off, asking the permission policy and reading the entity from the catalog on every view added 1375 µs more, which is what the cache saves.",
    );
  });

  it('calls a negative difference noise rather than a saving', () => {
    expect(addedTime(125.4)).toBe('added 125 µs');
    expect(addedTime(-36.2)).toBe(
      "added nothing measurable (−36 µs, within this run's noise)",
    );
  });

  it('says so when there is nothing to compare', () => {
    expect(userTokenCostSentence(rows.slice(0, 3))).toBe(
      'No user-token run in this report.',
    );
    expect(userTokenCostSentence(rows.slice(3))).toMatch(/no service-token/);
  });

  it('runs the uncached variant only on the smallest entity at the most clients', () => {
    const twenty = { name: 'twenty', app: 'app-01', environments: 20 };
    const big = { name: 'two-hundred', app: 'app-02', environments: 200 };
    expect(clientCountsOf('blueberry-user', big, [1, 50], 20)).toEqual([1, 50]);
    expect(
      clientCountsOf('blueberry-user-uncached', twenty, [1, 50], 20),
    ).toEqual([50]);
    expect(clientCountsOf('blueberry-user-uncached', big, [1, 50], 20)).toEqual(
      [],
    );
  });

  it('configures guest sign-in, the permission framework and the cache switch for its variants only', () => {
    const config = (kind: LoadRow['kind']) =>
      backendConfig({
        kind,
        port: 7007,
        argocdUrl: 'http://127.0.0.1:1',
        argocdToken: 'argo',
        callerToken: 'caller',
        catalogFile: '/tmp/catalog.yaml',
      }) as any;
    expect(config('blueberry').permission).toBeUndefined();
    expect(config('blueberry').auth).toBeUndefined();
    expect(config('blueberry-user')).toMatchObject({
      auth: {
        providers: { guest: { dangerouslyAllowOutsideDevelopment: true } },
      },
      permission: { enabled: true },
    });
    expect(
      config('blueberry-user').blueberry.accessCacheTtlSeconds,
    ).toBeUndefined();
    expect(
      config('blueberry-user-uncached').blueberry.accessCacheTtlSeconds,
    ).toBe(0);
  });
});
