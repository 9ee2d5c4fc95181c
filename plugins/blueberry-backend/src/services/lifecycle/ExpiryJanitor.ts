import type { LoggerService } from '@backstage/backend-plugin-api';
import { rfc3339 } from './applicationExpiry';
import type { ExpiryWarnings } from './ExpiryWarnings';
import type { EnvironmentLifecycle } from './EnvironmentLifecycle';

/** The scheduler task id, and the name the janitor signs its commits with. */
export const EXPIRY_JANITOR_TASK_ID = 'blueberry-expiry-janitor';
export const EXPIRY_JANITOR_ACTOR =
  'blueberry-expiry-janitor (plugin:blueberry)';

export interface JanitorRunSummary {
  /** Environments removed by this run. */
  removed: string[];
  /** Expired environments another writer removed first, or whose removal is open already (nothing made). */
  alreadyGone: string[];
  /** Environments whose owner was warned by this run. */
  warned: string[];
  /** Environments that failed, with the message; the others went on. */
  failed: Array<{ environment: string; message: string }>;
}

/**
 * Retires expired environments: for each environment of the GitOps repository whose
 * `blueberry.io/expires-at` is past, proposes its removal (one commit or merge request saying who,
 * which task and why); owners of environments expiring within `warnBeforeMs` are warned once.
 * Runs through the SchedulerService, which runs it on one replica at a time; the removal itself is
 * idempotent, so a second janitor racing the first commits nothing.
 */
export class ExpiryJanitor {
  readonly #lifecycle: EnvironmentLifecycle;
  readonly #warnings?: ExpiryWarnings;
  readonly #warnBeforeMs: number;
  readonly #logger: LoggerService;
  readonly #now: () => Date;

  constructor(options: {
    lifecycle: EnvironmentLifecycle;
    warnings?: ExpiryWarnings;
    warnBeforeMs: number;
    logger: LoggerService;
    now?: () => Date;
  }) {
    this.#lifecycle = options.lifecycle;
    this.#warnings = options.warnings;
    this.#warnBeforeMs = options.warnBeforeMs;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
  }

  async run(): Promise<JanitorRunSummary> {
    const now = this.#now();
    const summary: JanitorRunSummary = {
      removed: [],
      alreadyGone: [],
      warned: [],
      failed: [],
    };
    for (const environment of await this.#lifecycle.listEnvironments()) {
      const { expiresAt } = environment;
      if (!expiresAt) continue; // long-lived
      try {
        if (expiresAt.getTime() <= now.getTime()) {
          const result = await this.#lifecycle.removeEnvironment({
            environment: environment.name,
            reason: `expired at ${rfc3339(
              expiresAt,
            )} (blueberry.io/expires-at), checked at ${rfc3339(now)}`,
            requestedBy: EXPIRY_JANITOR_ACTOR,
            task: EXPIRY_JANITOR_TASK_ID,
          });
          if (result.status === 'removed') {
            summary.removed.push(environment.name);
            this.#logger.info(
              `Removed expired environment ${environment.name} (${result.change})`,
            );
          } else {
            summary.alreadyGone.push(environment.name);
          }
        } else if (
          this.#warnings &&
          expiresAt.getTime() - now.getTime() <= this.#warnBeforeMs &&
          (await this.#warnings.warnOnce(environment, now))
        ) {
          summary.warned.push(environment.name);
        }
      } catch (error) {
        const message = (error as Error).message;
        summary.failed.push({ environment: environment.name, message });
        this.#logger.error(
          `Expiry janitor could not handle environment ${environment.name}: ${message}`,
        );
      }
    }
    return summary;
  }
}
