import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  GitlabGitopsRepository,
  gitopsCommitMessage,
  type GitopsChangeRequest,
} from '@blueberry-idp/plugin-blueberry-node';
import type { EnvironmentStore, RemovalOutcome } from './EnvironmentStore';

/**
 * The GitOps repository on GitLab (production): proposes an environment's removal as a merge
 * request (branch `blueberry/remove-<env>`, one commit of delete actions saying who, which task and
 * why); merging it is the removal, as merging the create merge request was the deployment. A
 * repeated removal finds the open merge request and opens no other.
 */
export class GitlabEnvironmentStore implements EnvironmentStore {
  readonly #repository: GitlabGitopsRepository;
  readonly #logger: LoggerService;

  constructor(options: {
    repository: GitlabGitopsRepository;
    logger: LoggerService;
  }) {
    this.#repository = options.repository;
    this.#logger = options.logger;
  }

  readApplication(environment: string): Promise<string | undefined> {
    return this.#repository.readApplication(environment);
  }

  async remove(request: GitopsChangeRequest): Promise<RemovalOutcome> {
    const proposal = await this.#repository.proposeRemoval({
      environment: request.environment,
      message: gitopsCommitMessage(
        `remove environment ${request.environment}`,
        request,
      ),
      title: `Remove environment ${request.environment}`,
      description: [
        `Reason: ${request.reason}`,
        `Requested-by: ${request.requestedBy}`,
        `Task: ${request.task}`,
        '',
        'Merging removes the environment; Argo CD prunes it, its Namespace included.',
      ].join('\n\n'),
    });
    if (proposal.status === 'absent') return { status: 'absent' };
    if (proposal.alreadyOpen) {
      return { status: 'pending', change: proposal.mergeRequestUrl };
    }
    this.#logger.info(
      `Proposed removing environment ${request.environment}: ${request.reason} (${proposal.mergeRequestUrl})`,
    );
    return { status: 'removed', change: proposal.mergeRequestUrl };
  }
}
