import {
  degraded,
  expiring,
  healthy,
  makeEnvironment,
  midSync,
  NOW,
} from '../__testUtils__/fakeBlueberryApi';
import { sortByAttention } from './attention';
import { DELETION_STUCK_AFTER_MS, deletionOf } from './deletion';
import { expiryOf } from './expiry';
import { buildTree, environmentSummary } from './tree';
import { waveProgress } from './waves';

const states = (environment: Parameters<typeof waveProgress>[0]) =>
  waveProgress(environment).map(
    w => `${w.wave}:${w.state}${w.current ? '*' : ''}`,
  );

describe('waveProgress', () => {
  it('marks waves before the operation done, its wave running and current, later ones waiting', () => {
    expect(states(midSync)).toEqual([
      '0:done',
      '1:done',
      '2:running*',
      '3:waiting',
    ]);
  });

  it('judges each wave by its resources when nothing runs', () => {
    expect(states(healthy)).toEqual(['0:done', '1:done', '2:done', '3:done']);
    expect(states(degraded)).toEqual([
      '0:done',
      '1:failed',
      '2:done',
      '3:done',
    ]);
  });

  it('marks the wave a failed operation stopped on as failed', () => {
    const failed = { ...midSync, operation: { phase: 'Failed', wave: 1 } };
    expect(states(failed)).toEqual([
      '0:done',
      '1:failed*',
      '2:waiting',
      '3:waiting',
    ]);
  });

  it('explains a wave 3 that waits only on Ingresses', () => {
    const hanging = makeEnvironment('pr-7', {
      operation: { phase: 'Running', wave: 3 },
      resources: { 'Ingress/storefront': { health: 'Progressing' } },
    });
    expect(waveProgress(hanging)[3]).toMatchObject({
      state: 'running',
      note: expect.stringMatching(/ingress controller/),
    });
  });
});

describe('sortByAttention', () => {
  it('puts broken first, then syncing, then expiring, then the rest by name', () => {
    const zeta = makeEnvironment('zeta', { type: 'long-lived' });
    const names = sortByAttention(
      [zeta, healthy, expiring, midSync, degraded],
      NOW,
    ).map(e => e.name);
    expect(names).toEqual([
      'pr-102',
      'pr-101',
      'feature-search',
      'main',
      'zeta',
    ]);
  });
});

describe('expiryOf', () => {
  it('says how far away and warns within a day', () => {
    expect(expiryOf(expiring.expiresAt, NOW)).toMatchObject({
      relative: 'in 5 hours',
      soon: true,
      expired: false,
    });
    expect(expiryOf(midSync.expiresAt, NOW)).toMatchObject({
      relative: 'in 7 days',
      soon: false,
    });
    const yesterday = new Date(
      NOW.getTime() - 24 * 60 * 60 * 1000,
    ).toISOString();
    expect(expiryOf(yesterday, NOW)).toMatchObject({
      relative: 'yesterday',
      expired: true,
    });
    expect(expiryOf(null, NOW)).toBeUndefined();
    expect(expiryOf('not a time', NOW)).toBeUndefined();
  });
});

describe('deletionOf', () => {
  const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

  it('counts what Argo CD still shows and calls a long deletion stuck', () => {
    const total = healthy.waves.flatMap(w => w.resources).length;
    expect(
      deletionOf({ ...healthy, deletingSince: ago(60_000) }, NOW),
    ).toMatchObject({
      remaining: total,
      stuck: false,
      relative: '1 minute ago',
    });
    expect(
      deletionOf(
        { ...healthy, deletingSince: ago(DELETION_STUCK_AFTER_MS) },
        NOW,
      ),
    ).toMatchObject({ stuck: true, relative: '10 minutes ago' });
  });

  it('is undefined for an environment not being deleted, or a bad time', () => {
    expect(deletionOf(healthy, NOW)).toBeUndefined();
    expect(
      deletionOf({ ...healthy, deletingSince: null }, NOW),
    ).toBeUndefined();
    expect(
      deletionOf({ ...healthy, deletingSince: 'not a time' }, NOW),
    ).toBeUndefined();
  });
});

describe('environmentSummary', () => {
  it("says an environment's wave progress and the revision it runs, on its node before it is expanded", () => {
    expect(environmentSummary(midSync)).toBe('wave 2 of 3 · runs 4f2a9c1');
    expect(environmentSummary(healthy)).toBe(
      '4 of 4 waves done · runs 4f2a9c1',
    );
    expect(environmentSummary(degraded)).toBe(
      '3 of 4 waves done · runs 4f2a9c1',
    );
    expect(environmentSummary({ ...healthy, revision: null })).toBe(
      '4 of 4 waves done',
    );
    const { nodes } = buildTree({}, [midSync, healthy], undefined, undefined);
    expect(
      nodes.filter(n => n.kind === 'environment').map(n => n.detail),
    ).toEqual([
      'wave 2 of 3 · runs 4f2a9c1',
      '4 of 4 waves done · runs 4f2a9c1',
    ]);
  });
});
