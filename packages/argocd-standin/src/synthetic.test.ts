import { syntheticApplications, syntheticDistribution } from './synthetic';

describe('synthetic applications', () => {
  it('spreads environments over apps, exact counts first', () => {
    expect(
      syntheticDistribution({
        count: 5000,
        apps: 10,
        environmentsPerApp: [20, 200],
      }),
    ).toEqual([20, 200, 598, 598, 598, 598, 597, 597, 597, 597]);
    expect(() =>
      syntheticDistribution({ count: 10, apps: 1, environmentsPerApp: [20] }),
    ).toThrow();
  });

  it('is deterministic, settled and labelled', () => {
    const a = syntheticApplications({ count: 6, apps: 2 }).map(r =>
      r.toApplication(),
    );
    const b = syntheticApplications({ count: 6, apps: 2 }).map(r =>
      r.toApplication(),
    );
    expect(a).toEqual(b);
    expect(a.map(x => x.metadata.name)).toEqual([
      'app-01-pr-1',
      'app-01-pr-2',
      'app-01-pr-3',
      'app-02-pr-1',
      'app-02-pr-2',
      'app-02-pr-3',
    ]);
    const first = a[0];
    expect(first.metadata.labels).toMatchObject({
      'blueberry.io/app': 'app-01',
      'blueberry.io/environment': 'app-01-pr-1',
    });
    expect(first.status.health?.status).toBe('Healthy');
    expect((first.status.sync as any).status).toBe('Synced');
    expect(first.status.operationState?.phase).toBe('Succeeded');
    expect(first.status.resources?.map(r => r.syncWave ?? 0)).toEqual([
      0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 3,
    ]);
  });
});
