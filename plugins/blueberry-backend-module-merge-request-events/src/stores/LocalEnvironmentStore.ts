import type { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  gitopsCommitMessage,
  type GitopsChangeRequest,
  LocalGitopsRepository,
} from '@blueberry-idp/plugin-blueberry-node';
import type { EnvironmentStore, RemovalOutcome } from './EnvironmentStore';

/**
 * The local GitOps repository (the embedded setup): removes an environment in one commit saying
 * who, which task and why; Argo CD then prunes it (the resources finalizer takes the namespace with
 * it). An environment already gone commits nothing.
 */
export class LocalEnvironmentStore implements EnvironmentStore {
  readonly #repository: LocalGitopsRepository;
  readonly #logger: LoggerService;

  constructor(options: {
    repository: LocalGitopsRepository;
    logger: LoggerService;
  }) {
    this.#repository = options.repository;
    this.#logger = options.logger;
  }

  readApplication(environment: string): Promise<string | undefined> {
    return this.#repository.readApplication(environment);
  }

  async remove(request: GitopsChangeRequest): Promise<RemovalOutcome> {
    try {
      const result = await this.#repository.removeEnvironment({
        environment: request.environment,
        message: gitopsCommitMessage(
          `remove environment ${request.environment}`,
          request,
        ),
      });
      this.#logger.info(
        `Removed environment ${request.environment}: ${request.reason} (${result.commit})`,
      );
      return { status: 'removed', change: result.commit };
    } catch (error) {
      if (error instanceof NotFoundError) return { status: 'absent' };
      throw error;
    }
  }
}
