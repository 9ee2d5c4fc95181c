import type {
  CacheService,
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import type { GitopsRepository } from '@blueberry-idp/plugin-blueberry-node';
import { EnvironmentHistory } from '../history/EnvironmentHistory';
import { EnvironmentKeeper } from './EnvironmentKeeper';
import { EnvironmentLifecycle } from './EnvironmentLifecycle';
import { EXPIRY_JANITOR_TASK_ID, ExpiryJanitor } from './ExpiryJanitor';
import { ExpiryWarnings } from './ExpiryWarnings';

/** `blueberry.lifecycle` (config.d.ts). */
interface LifecycleSettings {
  janitor: {
    enabled: boolean;
    schedule: SchedulerServiceTaskScheduleDefinition;
  };
  warnBeforeMs: number;
  keepExtensionMs: number;
}

function readLifecycleSettings(config: Config): LifecycleSettings {
  const lifecycle = config.getOptionalConfig('blueberry.lifecycle');
  const read = (key: string, fallback: HumanDuration) =>
    lifecycle?.has(key) ? readDurationFromConfig(lifecycle, { key }) : fallback;
  return {
    janitor: {
      enabled: lifecycle?.getOptionalBoolean('janitor.enabled') ?? true,
      schedule: {
        frequency: read('janitor.frequency', { minutes: 5 }),
        timeout: read('janitor.timeout', { minutes: 3 }),
        initialDelay: read('janitor.initialDelay', { minutes: 1 }),
      },
    },
    warnBeforeMs: durationToMilliseconds(read('warnBefore', { hours: 24 })),
    keepExtensionMs: durationToMilliseconds(
      read('keepExtension', { hours: 72 }),
    ),
  };
}

/**
 * Sets up what the plugin does to the GitOps repository (local, GitLab or GitHub, whichever
 * `blueberry.gitops` names): the expiry janitor on the scheduler (one run at a time across
 * replicas sharing the database), the keeper behind `POST .../keep`, and history and rollback.
 * Without a repository all stay off: the janitor does not run, and keep, history and rollback
 * answer 503.
 */
export async function createLifecycle(deps: {
  repository?: GitopsRepository;
  config: Config;
  logger: LoggerService;
  scheduler: SchedulerService;
  cache: CacheService;
  notifications: NotificationService;
}): Promise<{
  keeper?: EnvironmentKeeper;
  janitor?: ExpiryJanitor;
  history?: EnvironmentHistory;
}> {
  const { repository } = deps;
  if (!repository) {
    deps.logger.info(
      'Environment lifecycle, history and rollback are off: blueberry.gitops names no GitOps repository (local, gitlab or github)',
    );
    return {};
  }
  const settings = readLifecycleSettings(deps.config);
  const lifecycle = new EnvironmentLifecycle({ repository });
  const keeper = new EnvironmentKeeper({
    lifecycle,
    extensionMs: settings.keepExtensionMs,
  });
  const history = new EnvironmentHistory({ repository });
  if (!settings.janitor.enabled) return { keeper, history };
  const janitor = new ExpiryJanitor({
    lifecycle,
    warnings: new ExpiryWarnings({
      notifications: deps.notifications,
      cache: deps.cache,
      logger: deps.logger,
    }),
    warnBeforeMs: settings.warnBeforeMs,
    logger: deps.logger,
  });
  await deps.scheduler.scheduleTask({
    id: EXPIRY_JANITOR_TASK_ID,
    ...settings.janitor.schedule,
    fn: async () => {
      const summary = await janitor.run();
      if (summary.failed.length > 0) {
        throw new Error(
          `Expiry janitor failed for ${summary.failed
            .map(f => f.environment)
            .join(', ')}`,
        );
      }
    },
  });
  return { keeper, janitor, history };
}
