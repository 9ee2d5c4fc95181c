import { NotFoundError } from '@backstage/errors';
import {
  environmentApplicationPath,
  type EnvironmentChange,
} from '@blueberry-idp/plugin-blueberry-common';
import {
  GitlabGitopsRepository,
  gitopsChangeDescription,
  gitopsCommitMessage,
  type GitopsChangeRequest,
  removeGitopsEnvironment,
} from '@blueberry-idp/plugin-blueberry-node';
import {
  GitopsEnvironment,
  readGitopsEnvironmentOf,
  readGitopsEnvironments,
  withExpiresAt,
} from './applicationExpiry';
import type { RollbackPublisher } from '../history/EnvironmentHistory';
import type {
  GitopsEnvironmentStore,
  TeardownPublisher,
  TeardownResult,
} from './TeardownPublisher';

/**
 * The lifecycle of environments in a GitOps repository on GitLab (production): reads them from the
 * branch Argo CD follows, and proposes every change as a merge request saying who, which task and
 * why (the removal on `blueberry/remove-<env>`, an expiry on `blueberry/keep-<env>`). Idempotent: a
 * removal whose merge request is open already opens no other and reports nothing done (`absent`,
 * with that merge request), so the janitor proposes each expired environment's removal once however
 * often, and on however many replicas, it runs; a Keep while one is open moves that merge request on.
 */
export class GitlabGitopsLifecycle
  implements TeardownPublisher, GitopsEnvironmentStore, RollbackPublisher
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
    const removal = await removeGitopsEnvironment(this.#repository, request);
    if (removal.status === 'absent') return { status: 'absent' };
    // An open removal merge request is nothing done this time: the janitor proposes each once.
    return {
      status: removal.status === 'pending' ? 'absent' : 'removed',
      change: removal.change,
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
      description: gitopsChangeDescription(
        request,
        'Merging moves blueberry.io/expires-at; the expiry janitor then leaves the environment until then.',
      ),
    });
    return { change: proposal.mergeRequestUrl };
  }

  /** Rollback: a merge request restoring the folder to its files at `revision`. */
  async restoreEnvironment(
    request: GitopsChangeRequest & { revision: string; message: string },
  ): Promise<EnvironmentChange> {
    const proposal = await this.#repository.proposeRestore({
      environment: request.environment,
      revision: request.revision,
      message: request.message,
      title: `Roll back environment ${
        request.environment
      } to ${request.revision.slice(0, 12)}`,
      description: gitopsChangeDescription(
        request,
        `Merging restores environments/${request.environment}/ to exactly its files at ${request.revision}; Argo CD then deploys that version.`,
      ),
    });
    return { kind: 'merge-request', url: proposal.mergeRequestUrl };
  }
}
