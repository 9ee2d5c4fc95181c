import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  GitlabGitopsRepository,
  type GitopsChangeRequest,
  LocalGitopsRepository,
  removeGitopsEnvironment,
} from '@blueberry-idp/plugin-blueberry-node';
import type { EnvironmentStore, RemovalOutcome } from './EnvironmentStore';

/**
 * The environments of the GitOps repository: the local one (the embedded setup: a removal is one
 * commit) or on GitLab (production: a removal is a merge request). Either way the change says who,
 * which task and why, and Argo CD then prunes the environment, its Namespace included.
 */
export class GitopsEnvironmentStore implements EnvironmentStore {
  readonly #repository: LocalGitopsRepository | GitlabGitopsRepository;
  readonly #logger: LoggerService;

  constructor(options: {
    repository: LocalGitopsRepository | GitlabGitopsRepository;
    logger: LoggerService;
  }) {
    this.#repository = options.repository;
    this.#logger = options.logger;
  }

  listEnvironments(): Promise<string[]> {
    return this.#repository.listEnvironments();
  }

  readApplication(environment: string): Promise<string | undefined> {
    return this.#repository.readApplication(environment);
  }

  async remove(request: GitopsChangeRequest): Promise<RemovalOutcome> {
    const removal = await removeGitopsEnvironment(this.#repository, request);
    if (removal.status === 'removed') {
      this.#logger.info(
        `Removed environment ${request.environment}: ${request.reason} (${removal.change})`,
      );
    }
    return removal;
  }
}
