import type { CacheService } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
import type { EventOutcome } from './MergeRequestEnvironments';
import type { MergeRequestChange } from './MergeRequestChange';

/** Long enough to outlive a merge request that waits a while for review. */
const REMEMBER_MS = 30 * 24 * 3600_000;

/** The newest head commit of a merge request, and why its environment is not on it yet, if it failed. */
export interface MergeRequestHead {
  sha: string;
  /** Why moving the environment to this head failed: "image shop/backend:def5678 not in the registry yet". */
  failure?: string;
}

/** Outcomes after which the environment is on its way to the head, or there already. */
const MOVING = new Set<EventOutcome['status']>([
  'created',
  'updated',
  'current',
  'exists',
]);

/**
 * The newest head commit each merge request's events told us of, so the merge request's comment
 * (and whoever else reads it) can say plainly when the head is ahead of what its environment
 * runs, and why. Kept in the plugin's CacheService, shared by every replica and by the feedback
 * module; an evicted entry only loses the hint.
 */
export class MergeRequestHeads {
  readonly #cache: CacheService;

  constructor(cache: CacheService) {
    this.#cache = cache;
  }

  /** Records what an event said of the head, and whether the environment could follow it. */
  async record(
    change: MergeRequestChange,
    outcome: EventOutcome,
  ): Promise<void> {
    if (!change.headSha) return;
    if (outcome.status !== 'failed' && !MOVING.has(outcome.status)) return;
    const stored: JsonObject = {
      sha: change.headSha,
      failure: outcome.status === 'failed' ? outcome.why : null,
    };
    await this.#cache.set(this.#key(change.url), stored, { ttl: REMEMBER_MS });
  }

  async get(mergeRequestUrl: string): Promise<MergeRequestHead | undefined> {
    const stored = await this.#cache.get<JsonObject>(
      this.#key(mergeRequestUrl),
    );
    if (typeof stored?.sha !== 'string') return undefined;
    return typeof stored.failure === 'string'
      ? { sha: stored.sha, failure: stored.failure }
      : { sha: stored.sha };
  }

  #key(url: string) {
    return `merge-request-head:${url}`;
  }
}
