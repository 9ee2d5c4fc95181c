import type { CacheService } from '@backstage/backend-plugin-api';
import type { MergeRequestChange } from './MergeRequestChange';

/** Long enough to outlive any redelivery or queue delay of a webhook. */
const REMEMBER_MS = 30 * 24 * 3600_000;

/**
 * Drops events that arrive after a later one of the same merge request (webhooks are delivered at
 * least once and not in order), by the merge request's `updated_at`. Kept in the CacheService, so
 * every backend replica judges alike. An event without a readable time is never judged late.
 */
export class EventOrder {
  readonly #cache: CacheService;

  constructor(cache: CacheService) {
    this.#cache = cache;
  }

  /** True when a later event of this merge request was handled already. */
  async isLate(change: MergeRequestChange): Promise<boolean> {
    const at = change.updatedAt ? Date.parse(change.updatedAt) : NaN;
    if (Number.isNaN(at)) return false;
    const latest = await this.#cache.get<number>(this.#key(change));
    return typeof latest === 'number' && at < latest;
  }

  async handled(change: MergeRequestChange): Promise<void> {
    const at = change.updatedAt ? Date.parse(change.updatedAt) : NaN;
    if (Number.isNaN(at)) return;
    const latest = await this.#cache.get<number>(this.#key(change));
    if (typeof latest !== 'number' || at > latest) {
      await this.#cache.set(this.#key(change), at, { ttl: REMEMBER_MS });
    }
  }

  #key(change: MergeRequestChange) {
    return `merge-request-event:${change.url}`;
  }
}
