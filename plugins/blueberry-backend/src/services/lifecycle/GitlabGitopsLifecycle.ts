import { NotFoundError } from '@backstage/errors';
import { environmentApplicationPath } from '@blueberry-idp/plugin-blueberry-common';
import {
  GitlabGitopsRepository,
  gitopsCommitMessage,
  type GitopsChangeRequest,
} from '@blueberry-idp/plugin-blueberry-node';
import {
  GitopsEnvironment,
  readGitopsEnvironmentOf,
  readGitopsEnvironments,
  withExpiresAt,
} from './applicationExpiry';
import type {
  GitopsEnvironmentStore,
  TeardownPublisher,
  TeardownResult,
} from './TeardownPublisher';

/** The merge request's description: why, who, which task, and what merging does. */
function description(request: GitopsChangeRequest, merging: string): string {
  return [
    `Reason: ${request.reason}`,
    `Requested-by: ${request.requestedBy}`,
    `Task: ${request.task}`,
    merging,
  ].join('\n\n');
}

/**
 * The lifecycle of environments in a GitOps repository on GitLab (production): reads them from the
 * branch Argo CD follows, and proposes every change as a merge request saying who, which task and
 * why (the removal on `blueberry/remove-<env>`, an expiry on `blueberry/keep-<env>`). Idempotent: a
 * removal whose merge request is open already opens no other and reports nothing done (`absent`,
 * with that merge request), so the janitor proposes each expired environment's removal once however
 * often, and on however many replicas, it runs; a Keep while one is open moves that merge request on.
 */
export class GitlabGitopsLifecycle
  implements TeardownPublisher, GitopsEnvironmentStore
{
  readonly #repository: GitlabGitopsRepository;

  constructor(repository: GitlabGitopsRepository) {
    this.#repository = repository;
  }

  async listEnvironments(): Promise<GitopsEnvironment[]> {
    return readGitopsEnvironments(this.#repository);
  }

  async getEnvironment(name: string): Promise<GitopsEnvironment | undefined> {
    return readGitopsEnvironmentOf(this.#repository, name);
  }

  async removeEnvironment(
    request: GitopsChangeRequest,
  ): Promise<TeardownResult> {
    const proposal = await this.#repository.proposeRemoval({
      environment: request.environment,
      message: gitopsCommitMessage(
        `remove environment ${request.environment}`,
        request,
      ),
      title: `Remove environment ${request.environment}`,
      description: description(
        request,
        'Merging removes the environment; Argo CD prunes it, its Namespace included.',
      ),
    });
    if (proposal.status === 'absent') return { status: 'absent' };
    return {
      status: proposal.alreadyOpen ? 'absent' : 'removed',
      change: proposal.mergeRequestUrl,
    };
  }

  async setExpiry(
    request: GitopsChangeRequest & { expiresAt: Date },
  ): Promise<{ change: string }> {
    const application = await this.#repository.readApplication(
      request.environment,
    );
    if (application === undefined) {
      throw new NotFoundError(
        `Environment '${request.environment}' is not in the GitOps repository`,
      );
    }
    const proposal = await this.#repository.proposeFileUpdate({
      environment: request.environment,
      purpose: 'keep',
      filePath: environmentApplicationPath(request.environment),
      content: withExpiresAt(application, request.expiresAt),
      message: gitopsCommitMessage(
        `extend environment ${request.environment}`,
        request,
      ),
      title: `Extend environment ${request.environment}`,
      description: description(
        request,
        'Merging moves blueberry.io/expires-at; the expiry janitor then leaves the environment until then.',
      ),
    });
    return { change: proposal.mergeRequestUrl };
  }
}
