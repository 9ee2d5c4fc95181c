import type { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { LocalGitopsRepository } from '@blueberry-idp/plugin-blueberry-node';
import { commitMessage } from './commitMessage';

export type RemovalOutcome =
  | { status: 'absent' }
  | { status: 'removed'; commit: string };

/**
 * Removes an environment from the local GitOps repository in one commit saying who, which task and
 * why; Argo CD then prunes it (the resources finalizer takes the namespace with it). Idempotent: an
 * environment already gone commits nothing.
 */
export class EnvironmentRemoval {
  readonly #repository: LocalGitopsRepository;
  readonly #logger: LoggerService;

  constructor(options: {
    repository: LocalGitopsRepository;
    logger: LoggerService;
  }) {
    this.#repository = options.repository;
    this.#logger = options.logger;
  }

  async remove(request: {
    environment: string;
    reason: string;
    requestedBy: string;
    task: string;
  }): Promise<RemovalOutcome> {
    try {
      const result = await this.#repository.removeEnvironment({
        environment: request.environment,
        message: commitMessage(
          `remove environment ${request.environment}`,
          request,
        ),
      });
      this.#logger.info(
        `Removed environment ${request.environment}: ${request.reason} (${result.commit})`,
      );
      return { status: 'removed', commit: result.commit };
    } catch (error) {
      if (error instanceof NotFoundError) return { status: 'absent' };
      throw error;
    }
  }
}
