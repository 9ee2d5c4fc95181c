import { CacheManager } from '@backstage/backend-defaults/cache';
import { ConfigReader } from '@backstage/config';
import type { MergeRequestChange } from './MergeRequestChange';
import { MergeRequestHeads } from './MergeRequestHeads';

const URL = 'https://github.com/acme/shop/pull/12';
const FIRST = '1111111'.padEnd(40, 'a');
const SECOND = '2222222'.padEnd(40, 'b');

function push(headSha?: string): MergeRequestChange {
  return {
    provider: 'github',
    event: 'synchronize',
    url: URL,
    headSha,
  } as MergeRequestChange;
}

describe('MergeRequestHeads', () => {
  // Backstage's own cache service (memory store), as a backend without Redis has it.
  const heads = () =>
    new MergeRequestHeads(
      CacheManager.fromConfig(
        new ConfigReader({ backend: { cache: { store: 'memory' } } }),
      ).forPlugin('blueberry'),
    );

  it('keeps the newest head, with why the environment could not follow it', async () => {
    const store = heads();
    await store.record(push(FIRST), {
      status: 'updated',
      environment: 'shop-pr-12',
      taskId: 't1',
    });
    expect(await store.get(URL)).toEqual({ sha: FIRST });

    const why =
      "Image 127.0.0.1:7082/shop/backend:2222222 is not in the registry: 127.0.0.1:7082 has no manifest for tag '2222222'";
    await store.record(push(SECOND), {
      status: 'failed',
      environment: 'shop-pr-12',
      why,
    });
    expect(await store.get(URL)).toEqual({ sha: SECOND, failure: why });

    // The redelivery that applies it clears the failure.
    await store.record(push(SECOND), {
      status: 'updated',
      environment: 'shop-pr-12',
      taskId: 't2',
    });
    expect(await store.get(URL)).toEqual({ sha: SECOND });
  });

  it('learns nothing from events that say nothing of the head', async () => {
    const store = heads();
    await store.record(push(FIRST), {
      status: 'current',
      environment: 'shop-pr-12',
      commit: FIRST,
    });
    for (const outcome of [
      { status: 'late', why: 'a later event was handled' },
      { status: 'ignored', why: 'no label' },
      { status: 'removed', environment: 'shop-pr-12', change: 'abc' },
    ] as const) {
      await store.record(push(SECOND), outcome);
    }
    await store.record(push(undefined), {
      status: 'failed',
      environment: 'shop-pr-12',
      why: 'x',
    });
    expect(await store.get(URL)).toEqual({ sha: FIRST });
    expect(await store.get('https://github.com/acme/other/pull/12')).toBe(
      undefined,
    );
  });
});
