import { ConflictError, NotFoundError } from '@backstage/errors';
import { rfc3339 } from './applicationExpiry';
import type { EnvironmentLifecycle } from './EnvironmentLifecycle';

export const KEEP_TASK =
  'POST /api/blueberry/environments/:instance/:name/keep';

/**
 * Keep: pushes an environment's expiry out so the janitor leaves it. The renderer stores no TTL, so
 * the new expiry is `now + keepExtension`, never earlier than the current one (pressing Keep twice
 * does not shorten it). One change to the GitOps repository (a commit, or a merge or pull request)
 * says who kept it, and from where.
 */
export class EnvironmentKeeper {
  readonly #lifecycle: EnvironmentLifecycle;
  readonly #extensionMs: number;
  readonly #now: () => Date;

  constructor(options: {
    lifecycle: EnvironmentLifecycle;
    extensionMs: number;
    now?: () => Date;
  }) {
    this.#lifecycle = options.lifecycle;
    this.#extensionMs = options.extensionMs;
    this.#now = options.now ?? (() => new Date());
  }

  async keep(input: { environment: string; requestedBy: string }): Promise<{
    expiresAt: string;
    previousExpiresAt: string;
    change: string;
  }> {
    const environment = await this.#lifecycle.getEnvironment(input.environment);
    if (!environment) {
      throw new NotFoundError(
        `Environment '${input.environment}' is not in the GitOps repository`,
      );
    }
    if (!environment.expiresAt) {
      throw new ConflictError(
        `Environment '${input.environment}' has no blueberry.io/expires-at (long-lived): nothing to keep`,
      );
    }
    // Whole seconds, as the annotation holds them.
    const extended = new Date(
      Math.floor((this.#now().getTime() + this.#extensionMs) / 1000) * 1000,
    );
    const expiresAt =
      extended > environment.expiresAt ? extended : environment.expiresAt;
    const previous = rfc3339(environment.expiresAt);
    const { change } = await this.#lifecycle.setExpiry({
      environment: input.environment,
      expiresAt,
      reason: `kept: expiry moved from ${previous} to ${rfc3339(expiresAt)}`,
      requestedBy: input.requestedBy,
      task: KEEP_TASK,
    });
    return {
      expiresAt: rfc3339(expiresAt),
      previousExpiresAt: previous,
      change,
    };
  }
}
