import type { Config } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GitlabGitopsRepositoryOptions } from './gitlab/GitlabGitopsRepository';
import type { LocalGitopsRepositoryOptions } from './localGitopsRepository';

/** The GitOps repository that `blueberry.gitops` names: at most one of the two is set. */
export interface GitopsRepositoryConfig {
  /** `blueberry.gitops.local`: the local repository of the embedded setup; it wins over `gitlab`. */
  local?: LocalGitopsRepositoryOptions;
  /** `blueberry.gitops.gitlab`: the repository on GitLab (production). */
  gitlab?: GitlabGitopsRepositoryOptions;
}

/**
 * Reads the GitOps repository from config: `blueberry.gitops.local` (a relative path resolves
 * against the working directory) wins, else `blueberry.gitops.gitlab` with the token of the
 * `integrations.gitlab` entry for its host; neither when none is configured.
 */
export function readGitopsRepositoryConfig(
  config: Config,
): GitopsRepositoryConfig {
  const local = config.getOptionalConfig('blueberry.gitops.local');
  if (local) {
    const localPath = path.resolve(local.getString('path'));
    const branch = local.getOptionalString('branch') ?? 'main';
    return {
      local: {
        path: localPath,
        branch,
        render: {
          gitops: {
            repoURL:
              config.getOptionalString('blueberry.gitops.repoURL') ??
              pathToFileURL(localPath).href,
            targetRevision:
              config.getOptionalString('blueberry.gitops.revision') ?? branch,
            namespacePattern: config.getOptionalString(
              'blueberry.gitops.namespacePattern',
            ),
            sourceRepos: config.getOptionalStringArray(
              'blueberry.gitops.sourceRepos',
            ),
          },
        },
      },
    };
  }
  const gitlab = config.getOptionalConfig('blueberry.gitops.gitlab');
  if (!gitlab) return {};
  const host = gitlab.getString('host');
  const integration = ScmIntegrations.fromConfig(config).gitlab.byHost(host);
  if (!integration?.config.token) {
    throw new Error(
      `blueberry.gitops.gitlab.host '${host}' has no integrations.gitlab entry with a token`,
    );
  }
  return {
    gitlab: {
      apiBaseUrl: integration.config.apiBaseUrl,
      token: integration.config.token,
      project: gitlab.getString('project'),
      branch: config.getOptionalString('blueberry.gitops.revision') ?? 'main',
    },
  };
}
