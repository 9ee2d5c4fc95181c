import type {
  CacheService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { LocalGitopsRepository } from '@blueberry-idp/plugin-blueberry-node';
import { EnvironmentKeeper } from './EnvironmentKeeper';
import { EXPIRY_JANITOR_TASK_ID, ExpiryJanitor } from './ExpiryJanitor';
import { ExpiryWarnings } from './ExpiryWarnings';
import { readLifecycleConfig } from './lifecycleConfig';
import { LocalGitopsLifecycle } from './LocalGitopsLifecycle';

/**
 * Sets up the environment lifecycle: the expiry janitor on the scheduler (one run at a time across
 * replicas sharing the database) and the keeper behind `POST .../keep`. Only the local GitOps
 * repository is supported for now (`blueberry.gitops.local`); without it both stay off and the
 * keep route answers 503. A GitLab merge-request TeardownPublisher is not built yet.
 */
export async function createLifecycle(deps: {
  config: Config;
  logger: LoggerService;
  scheduler: SchedulerService;
  cache: CacheService;
  notifications: NotificationService;
}): Promise<{ keeper?: EnvironmentKeeper; janitor?: ExpiryJanitor }> {
  const config = readLifecycleConfig(deps.config);
  if (!config.local) {
    deps.logger.info(
      'Environment lifecycle is off: no blueberry.gitops.local repository (the GitLab merge-request publisher is not built yet)',
    );
    return {};
  }
  const lifecycle = new LocalGitopsLifecycle(
    await LocalGitopsRepository.open(config.local),
  );
  const keeper = new EnvironmentKeeper({
    store: lifecycle,
    extensionMs: config.keepExtensionMs,
  });
  if (!config.janitor.enabled) return { keeper };
  const janitor = new ExpiryJanitor({
    store: lifecycle,
    teardown: lifecycle,
    warnings: new ExpiryWarnings({
      notifications: deps.notifications,
      cache: deps.cache,
      logger: deps.logger,
    }),
    warnBeforeMs: config.warnBeforeMs,
    logger: deps.logger,
  });
  await deps.scheduler.scheduleTask({
    id: EXPIRY_JANITOR_TASK_ID,
    ...config.janitor.schedule,
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
  return { keeper, janitor };
}
