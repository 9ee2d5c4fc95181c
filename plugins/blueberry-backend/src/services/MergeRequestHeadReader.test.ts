import type { CacheService } from '@backstage/backend-plugin-api';
import {
  mockServices,
  ServiceFactoryTester,
} from '@backstage/backend-test-utils';
import type { Environment } from '@blueberry-idp/plugin-blueberry-common';
import { randomUUID } from 'node:crypto';
import { MergeRequestHeadReader } from './MergeRequestHeadReader';

const REDIS = process.env.BLUEBERRY_TEST_REDIS;
const RUNS = 'abc1234'.padEnd(40, 'a');
const HEAD = 'def5678'.padEnd(40, 'b');
const WHY =
  "Image 127.0.0.1:7082/shop/backend:def5678 is not in the registry: 127.0.0.1:7082 has no manifest for tag 'def5678'";

/** Backstage's own cache service for the plugin, on the Redis production uses. */
async function blueberryCache(): Promise<CacheService> {
  if (!REDIS) {
    throw new Error(
      'BLUEBERRY_TEST_REDIS is not set: source scripts/services.sh (scripts/test.sh does) to start Redis',
    );
  }
  return ServiceFactoryTester.from(mockServices.cache.factory(), {
    dependencies: [
      mockServices.rootConfig.factory({
        data: { backend: { cache: { store: 'redis', connection: REDIS } } },
      }),
    ],
  }).getSubject('blueberry');
}

function environment(
  name: string,
  fields: Partial<Environment> = {},
): Environment {
  return {
    name,
    instance: 'local',
    application: name,
    labels: {},
    health: 'Healthy',
    sync: 'Synced',
    operation: null,
    revision: null,
    syncedAt: null,
    expiresAt: null,
    urls: [],
    argocdUrl: null,
    waves: [],
    stale: false,
    observedAt: '2030-01-02T10:00:00.000Z',
    ...fields,
  };
}

describe('MergeRequestHeadReader', () => {
  let cache: CacheService;
  // A merge request of its own per run, so runs against the same Redis never see each other's heads.
  const url = `https://github.com/acme/shop-${randomUUID()}/pull/12`;

  beforeAll(async () => {
    cache = await blueberryCache();
  });

  afterEach(() => cache.delete(`merge-request-head:${url}`));

  /** What the merge request events module records after a push (its MergeRequestHeads). */
  const recordHead = (sha: string, failure: string | null) =>
    cache.set(`merge-request-head:${url}`, { sha, failure });

  it('says the head is ahead, and why, when the push could not be followed', async () => {
    await recordHead(HEAD, WHY);
    const [served] = await new MergeRequestHeadReader(cache).withHeads([
      environment('shop-pr-12', { mergeRequestUrl: url, commit: RUNS }),
    ]);
    expect(served.ahead).toEqual({ sha: HEAD, failure: WHY });
    expect(served.commit).toBe(RUNS);
  });

  it('says the head is ahead, without a failure, while the environment is on its way to it', async () => {
    await recordHead(HEAD, null);
    const [served] = await new MergeRequestHeadReader(cache).withHeads([
      environment('shop-pr-12', { mergeRequestUrl: url, commit: RUNS }),
    ]);
    expect(served.ahead).toEqual({ sha: HEAD });
  });

  it('says nothing once the environment runs the head, of environments without a commit, or of unknown merge requests', async () => {
    await recordHead(HEAD, WHY);
    const reader = new MergeRequestHeadReader(cache);
    const environments = [
      environment('shop-pr-12', { mergeRequestUrl: url, commit: HEAD }),
      // Made from fixed components: it follows no head.
      environment('fixed-pr-12', { mergeRequestUrl: url, commit: null }),
      environment('other-pr-3', {
        mergeRequestUrl: `https://github.com/acme/other-${randomUUID()}/pull/3`,
        commit: RUNS,
      }),
      environment('staging'),
    ];
    const served = await reader.withHeads(environments);
    expect(served.map(e => e.ahead)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    // Untouched environments are served as they are, not copied.
    expect(served[0]).toBe(environments[0]);
  });

  it('ignores an entry it cannot read as a head', async () => {
    await cache.set(`merge-request-head:${url}`, {
      sha: 'not-a-sha',
      failure: WHY,
    });
    const [served] = await new MergeRequestHeadReader(cache).withHeads([
      environment('shop-pr-12', { mergeRequestUrl: url, commit: RUNS }),
    ]);
    expect(served.ahead).toBeUndefined();
  });

  it('serves the environments without the hint when the cache cannot answer', async () => {
    const down: Pick<CacheService, 'get'> = {
      get: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
      },
    };
    const environments = [
      environment('shop-pr-12', { mergeRequestUrl: url, commit: RUNS }),
    ];
    expect(
      await new MergeRequestHeadReader(down).withHeads(environments),
    ).toEqual(environments);
  });

  it('keeps a list answer the same object while no hint changes, so its prepared JSON is reused', async () => {
    // Heads read again on every view, to see each change at once.
    const reader = new MergeRequestHeadReader(cache, { recheckMs: 0 });
    const response = {
      items: [
        environment('shop-pr-12', { mergeRequestUrl: url, commit: RUNS }),
      ],
      errors: [],
    };
    // Running the head: the answer itself.
    await recordHead(RUNS, null);
    expect(await reader.withHeadsIn(response)).toBe(response);

    // Ahead: a hinted copy, the same copy on the next view, a new one when the reason changes.
    await recordHead(HEAD, null);
    const onItsWay = await reader.withHeadsIn(response);
    expect(onItsWay).not.toBe(response);
    expect(onItsWay.items[0].ahead).toEqual({ sha: HEAD });
    expect(await reader.withHeadsIn(response)).toBe(onItsWay);
    await recordHead(HEAD, WHY);
    const failed = await reader.withHeadsIn(response);
    expect(failed).not.toBe(onItsWay);
    expect(failed.items[0].ahead).toEqual({ sha: HEAD, failure: WHY });
    expect(response.items[0].ahead).toBeUndefined();
  });

  it('reads the heads behind one answer once per recheck interval, however many views it serves', async () => {
    let reads = 0;
    const counted: Pick<CacheService, 'get'> = {
      get: key => {
        reads += 1;
        return cache.get(key);
      },
    };
    let now = 1_000_000;
    const reader = new MergeRequestHeadReader(counted, {
      recheckMs: 1000,
      now: () => now,
    });
    const response = {
      items: [
        environment('shop-pr-12', { mergeRequestUrl: url, commit: RUNS }),
        environment('shop-pr-12-b', { mergeRequestUrl: url, commit: RUNS }),
      ],
      errors: [],
    };
    await recordHead(HEAD, null);

    // Fifty views at once: one read of the one merge request, one hinted answer for all.
    const views = await Promise.all(
      Array.from({ length: 50 }, () => reader.withHeadsIn(response)),
    );
    expect(reads).toBe(1);
    expect(new Set(views).size).toBe(1);
    expect(views[0].items.map(e => e.ahead)).toEqual([
      { sha: HEAD },
      { sha: HEAD },
    ]);

    // Within the interval a new head is not read yet; once it has passed, it is.
    await recordHead(RUNS, null);
    now += 999;
    expect(await reader.withHeadsIn(response)).toBe(views[0]);
    expect(reads).toBe(1);
    now += 1;
    expect(await reader.withHeadsIn(response)).toBe(response);
    expect(reads).toBe(2);
  });
});
