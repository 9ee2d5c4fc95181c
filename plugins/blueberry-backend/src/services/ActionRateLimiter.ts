/**
 * At most one action of a kind per environment per interval, across every caller: refresh and sync
 * each cost Argo CD a repository comparison, so a script (or a held-down button) must not turn one
 * environment into a load test of the repo-server. Kept in memory per replica, so N replicas allow
 * N per interval; the entries are as many as the environments acted on within one interval.
 */
export class ActionRateLimiter {
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #lastAt = new Map<string, number>();

  constructor(options: { intervalMs: number; now?: () => number }) {
    this.#intervalMs = options.intervalMs;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Takes the slot of `action` on the environment: undefined when it was free, otherwise the
   * seconds until it is (for Retry-After).
   */
  take(action: string, instance: string, name: string): number | undefined {
    if (this.#intervalMs <= 0) return undefined;
    const now = this.#now();
    this.#forgetOlderThan(now - this.#intervalMs);
    const key = `${action}\n${instance}\n${name}`;
    const last = this.#lastAt.get(key);
    if (last !== undefined) {
      return Math.max(1, Math.ceil((last + this.#intervalMs - now) / 1000));
    }
    this.#lastAt.set(key, now);
    return undefined;
  }

  #forgetOlderThan(oldest: number): void {
    // Insertion order is time order.
    for (const [key, at] of this.#lastAt) {
      if (at > oldest) return;
      this.#lastAt.delete(key);
    }
  }
}
