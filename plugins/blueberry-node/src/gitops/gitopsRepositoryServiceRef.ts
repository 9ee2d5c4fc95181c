import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import type { GitopsRepositoryConfig } from './gitopsRepositoryConfig';
import { readGitopsRepositoryConfig } from './gitopsRepositoryConfig';
import { GithubGitopsRepository } from './github/GithubGitopsRepository';
import { GitlabGitopsRepository } from './gitlab/GitlabGitopsRepository';
import type { GitopsRepository } from './GitopsRepository';
import { LocalGitopsRepository } from './localGitopsRepository';

/**
 * The implementation of the repository `readGitopsRepositoryConfig` read; undefined for none.
 *
 * @public
 */
export async function createGitopsRepository(
  config: GitopsRepositoryConfig,
): Promise<GitopsRepository | undefined> {
  if (config.local) return LocalGitopsRepository.open(config.local);
  if (config.gitlab) return new GitlabGitopsRepository(config.gitlab);
  if (config.github) return new GithubGitopsRepository(config.github);
  return undefined;
}

/**
 * The GitOps repository `blueberry.gitops` names (local, GitLab or GitHub), for a plugin to
 * inject; a test or an adopter may replace it with a factory of their own.
 *
 * @public
 */
export const gitopsRepositoryServiceRef = createServiceRef<GitopsRepository>({
  id: 'blueberry.gitops-repository',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { config: coreServices.rootConfig },
      async factory({ config }) {
        const repository = await createGitopsRepository(
          readGitopsRepositoryConfig(config),
        );
        if (!repository) {
          throw new Error(
            'No GitOps repository is configured: set blueberry.gitops.local, blueberry.gitops.gitlab or blueberry.gitops.github',
          );
        }
        return repository;
      },
    }),
});
