import {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ENVIRONMENT_ENTITY_ANNOTATIONS } from '@blueberry-idp/plugin-blueberry-common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EnvironmentEntitiesChangedPayload } from '../events';

/**
 * The search backend's id of the catalog collator's task (`search_index_<type>`, type
 * `software-catalog`), the one `search.collators.catalog.schedule` schedules.
 */
export const CATALOG_INDEX_TASK_ID = 'search_index_software_catalog';

export interface CatalogIndexTriggerOptions {
  catalog: CatalogService;
  auth: AuthService;
  scheduler: SchedulerService;
  logger: LoggerService;
  /** How long to wait for the catalog to serve the change; default a minute. */
  timeoutMs?: number;
  /** How often to look; default every second. */
  pollMs?: number;
}

/**
 * Runs the catalog collator's index task once the catalog serves a change of environment
 * entities: the changed ones at the commit they were read at, the removed ones gone. The provider
 * applies entities at once, but the catalog processes and stitches them a little later, and an
 * index run before that would miss them until the collator's next run (ten minutes by default).
 */
export class CatalogIndexTrigger {
  readonly #options: CatalogIndexTriggerOptions;

  constructor(options: CatalogIndexTriggerOptions) {
    this.#options = options;
  }

  async indexWhenServed(change: EnvironmentEntitiesChangedPayload) {
    const { timeoutMs = 60_000, pollMs = 1000 } = this.#options;
    const deadline = Date.now() + timeoutMs;
    while (!(await this.#served(change)) && Date.now() < deadline) {
      await sleep(pollMs);
    }
    await this.#trigger(deadline);
  }

  async #served(change: EnvironmentEntitiesChangedPayload): Promise<boolean> {
    const { catalog, auth } = this.#options;
    const refs = [...change.changedRefs, ...change.removedRefs];
    const { items } = await catalog.getEntitiesByRefs(
      { entityRefs: refs, fields: ['metadata.annotations'] },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    return items.every((entity, i) =>
      i < change.changedRefs.length
        ? entity?.metadata.annotations?.[
            ENVIRONMENT_ENTITY_ANNOTATIONS.gitopsCommit
          ] === change.commit
        : entity === undefined,
    );
  }

  /** Triggers the index task; while a run is under way (it may have started too early), again after it. */
  async #trigger(deadline: number) {
    const { scheduler, logger, pollMs = 1000 } = this.#options;
    for (;;) {
      try {
        await scheduler.triggerTask(CATALOG_INDEX_TASK_ID);
        return;
      } catch (error) {
        // The scheduler's ConflictError: the task is running.
        const running = (error as Error)?.name === 'ConflictError';
        if (!running || Date.now() > deadline + 60_000) throw error;
        logger.debug(
          `The catalog index is running; triggering it again after it`,
        );
        await sleep(pollMs * 5);
      }
    }
  }
}
