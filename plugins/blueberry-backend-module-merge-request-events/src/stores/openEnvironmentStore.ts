import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  GitlabGitopsRepository,
  LocalGitopsRepository,
  readGitopsRepositoryConfig,
} from '@blueberry-idp/plugin-blueberry-node';
import type { EnvironmentStore } from './EnvironmentStore';
import { GitopsEnvironmentStore } from './GitopsEnvironmentStore';

/**
 * The GitOps repository from config (readGitopsRepositoryConfig): `blueberry.gitops.local` (the
 * embedded setup) wins, else `blueberry.gitops.gitlab`; undefined when neither is configured.
 */
export async function openEnvironmentStore(
  config: Config,
  logger: LoggerService,
): Promise<EnvironmentStore | undefined> {
  const { local, gitlab } = readGitopsRepositoryConfig(config);
  if (local) {
    return new GitopsEnvironmentStore({
      repository: await LocalGitopsRepository.open(local),
      logger,
    });
  }
  if (gitlab) {
    return new GitopsEnvironmentStore({
      repository: new GitlabGitopsRepository(gitlab),
      logger,
    });
  }
  return undefined;
}
