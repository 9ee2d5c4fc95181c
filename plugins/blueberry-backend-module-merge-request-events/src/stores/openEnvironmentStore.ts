import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import {
  GitlabGitopsRepository,
  LocalGitopsRepository,
} from '@blueberry-idp/plugin-blueberry-node';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EnvironmentStore } from './EnvironmentStore';
import { GitlabEnvironmentStore } from './GitlabEnvironmentStore';
import { LocalEnvironmentStore } from './LocalEnvironmentStore';

/**
 * The GitOps repository from config: `blueberry.gitops.local` (the embedded setup) wins, else
 * `blueberry.gitops.gitlab` with the token of the matching `integrations.gitlab` entry; undefined
 * when neither is configured.
 */
export async function openEnvironmentStore(
  config: Config,
  logger: LoggerService,
): Promise<EnvironmentStore | undefined> {
  const local = config.getOptionalConfig('blueberry.gitops.local');
  if (local) {
    const repoPath = path.resolve(local.getString('path'));
    const branch = local.getOptionalString('branch') ?? 'main';
    const repository = await LocalGitopsRepository.open({
      path: repoPath,
      branch,
      render: {
        gitops: {
          repoURL:
            config.getOptionalString('blueberry.gitops.repoURL') ??
            pathToFileURL(repoPath).href,
          targetRevision: branch,
        },
      },
    });
    return new LocalEnvironmentStore({ repository, logger });
  }
  const gitlab = config.getOptionalConfig('blueberry.gitops.gitlab');
  if (!gitlab) return undefined;
  const host = gitlab.getString('host');
  const integration = ScmIntegrations.fromConfig(config).gitlab.byHost(host);
  if (!integration?.config.token) {
    throw new Error(
      `blueberry.gitops.gitlab.host '${host}' has no integrations.gitlab entry with a token`,
    );
  }
  return new GitlabEnvironmentStore({
    repository: new GitlabGitopsRepository({
      apiBaseUrl: integration.config.apiBaseUrl,
      token: integration.config.token,
      project: gitlab.getString('project'),
      branch: config.getOptionalString('blueberry.gitops.revision') ?? 'main',
    }),
    logger,
  });
}
