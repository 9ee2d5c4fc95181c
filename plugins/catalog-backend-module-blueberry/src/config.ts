import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { readGitopsRepositoryConfig } from '@blueberry-idp/plugin-blueberry-node';

/** The module's settings, read from `blueberry.catalog` and `blueberry.argocd`. */
export interface CatalogModuleConfig {
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** Milliseconds between two head checks; 0 for none. */
  headPollMs: number;
  namespace: string;
  argocd?: { instance: string; uiUrl: string };
  /**
   * Where a file of the GitOps repository is, for the entities' location annotations:
   * `file:<folder>/<path>` locally, the file's web page (`url:...`) on GitLab or GitHub.
   */
  locationOf(repositoryPath: string): string;
}

export const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 1 },
  timeout: { minutes: 3 },
};

/** Seconds between head checks: `git rev-parse` on the local repository is nearly free. */
export const LOCAL_HEAD_POLL_SECONDS = 3;
/**
 * Seconds between head checks on GitLab or GitHub: one API request each, 120 an hour per
 * replica, well inside either's rate limit (GitHub's is 5,000 an hour for a token).
 */
export const HOST_HEAD_POLL_SECONDS = 30;

export function readCatalogModuleConfig(config: Config): CatalogModuleConfig {
  const catalog = config.getOptionalConfig('blueberry.catalog');
  const scheduleConfig = catalog?.getOptionalConfig('schedule');

  const instances =
    config.getOptionalConfigArray('blueberry.argocd.instances') ?? [];
  const wanted = catalog?.getOptionalString('argocdInstance');
  const instance = wanted
    ? instances.find(i => i.getString('name') === wanted)
    : instances[0];
  if (wanted && !instance) {
    throw new Error(
      `blueberry.catalog.argocdInstance names '${wanted}', which is not in blueberry.argocd.instances`,
    );
  }

  const gitops = readGitopsRepositoryConfig(config);
  const headPollSeconds =
    catalog?.getOptionalNumber('headPollSeconds') ??
    (gitops.local ? LOCAL_HEAD_POLL_SECONDS : HOST_HEAD_POLL_SECONDS);
  if (!(headPollSeconds >= 0)) {
    throw new Error('blueberry.catalog.headPollSeconds must be 0 or more');
  }
  return {
    schedule: scheduleConfig
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig)
      : DEFAULT_SCHEDULE,
    headPollMs: Math.round(headPollSeconds * 1000),
    namespace: catalog?.getOptionalString('namespace') ?? 'default',
    argocd: instance && {
      instance: instance.getString('name'),
      uiUrl: instance.getOptionalString('uiUrl') ?? instance.getString('url'),
    },
    locationOf: locations(gitops),
  };
}

function locations(
  gitops: ReturnType<typeof readGitopsRepositoryConfig>,
): (repositoryPath: string) => string {
  const encodePath = (p: string) =>
    p.split('/').map(encodeURIComponent).join('/');
  if (gitops.local) {
    const root = gitops.local.path;
    return p => `file:${root}/${p}`;
  }
  if (gitops.gitlab) {
    // GitLab's web root is its API root without /api/v4.
    const web = gitops.gitlab.apiBaseUrl.replace(/\/api\/v4\/?$/, '');
    const { project, branch } = gitops.gitlab;
    return p =>
      `url:${web}/${encodePath(project)}/-/blob/${encodePath(
        branch,
      )}/${encodePath(p)}`;
  }
  if (gitops.github) {
    const { host, owner, repo, branch } = gitops.github;
    return p =>
      `url:https://${host}/${encodeURIComponent(owner)}/${encodeURIComponent(
        repo,
      )}/blob/${encodePath(branch)}/${encodePath(p)}`;
  }
  return p => `blueberry-gitops:${p}`;
}
