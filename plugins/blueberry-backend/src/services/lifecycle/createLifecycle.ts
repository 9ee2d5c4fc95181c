import type {
  CacheService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  GitlabGitopsRepository,
  LocalGitopsRepository,
} from '@blueberry-idp/plugin-blueberry-node';
import { EnvironmentHistory } from '../history/EnvironmentHistory';
import { EnvironmentKeeper } from './EnvironmentKeeper';
import { EXPIRY_JANITOR_TASK_ID, ExpiryJanitor } from './ExpiryJanitor';
import { ExpiryWarnings } from './ExpiryWarnings';
import { GitlabGitopsLifecycle } from './GitlabGitopsLifecycle';
import { readLifecycleConfig } from './lifecycleConfig';
import { LocalGitopsLifecycle } from './LocalGitopsLifecycle';
import type {
  GitopsEnvironmentStore,
  TeardownPublisher,
} from './TeardownPublisher';

/**
 * Sets up the environment lifecycle: the expiry janitor on the scheduler (one run at a time across
 * replicas sharing the database) and the keeper behind `POST .../keep`, on the local GitOps
 * repository (`blueberry.gitops.local`, a commit per change) or on GitLab (`blueberry.gitops.gitlab`,
 * a merge request per change). With neither both stay off and the keep route answers 503.
 * History and rollback go to the same repository: git log and a commit locally, GitLab's Commits
 * API and a merge request on GitLab.
 */
export async function createLifecycle(deps: {
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
  const config = readLifecycleConfig(deps.config);
  let lifecycle: TeardownPublisher & GitopsEnvironmentStore;
  let history: EnvironmentHistory | undefined;
  if (config.local) {
    const repository = await LocalGitopsRepository.open(config.local);
    const local = new LocalGitopsLifecycle(repository);
    lifecycle = local;
    history = new EnvironmentHistory({
      source: repository,
      publisher: local,
    });
  } else if (config.gitlab) {
    const repository = new GitlabGitopsRepository(config.gitlab);
    const gitlab = new GitlabGitopsLifecycle(repository);
    lifecycle = gitlab;
    history = new EnvironmentHistory({ source: repository, publisher: gitlab });
  } else {
    deps.logger.info(
      'Environment lifecycle is off: neither blueberry.gitops.local nor blueberry.gitops.gitlab is configured',
    );
    return {};
  }
  const keeper = new EnvironmentKeeper({
    store: lifecycle,
    extensionMs: config.keepExtensionMs,
  });
  if (!config.janitor.enabled) return { keeper, history };
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
  return { keeper, janitor, history };
}
