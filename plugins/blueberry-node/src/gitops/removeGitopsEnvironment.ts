import { NotFoundError } from '@backstage/errors';
import {
  GitopsChangeRequest,
  gitopsChangeDescription,
  gitopsCommitMessage,
} from './changeMessage';
import { GitlabGitopsRepository } from './gitlab/GitlabGitopsRepository';
import { LocalGitopsRepository } from './localGitopsRepository';

/** What removing an environment from the GitOps repository did. */
export type GitopsRemoval =
  | { status: 'absent' }
  /** `change`: the commit (local repository) or the merge request (GitLab) that removes it. */
  | { status: 'removed'; change: string }
  /** GitLab: a merge request removing it was open already; nothing new was proposed. */
  | { status: 'pending'; change: string };

/**
 * Removes an environment from the GitOps repository, saying who asked, through which task and why:
 * one commit to the local repository (the embedded setup), or on GitLab a merge request (branch
 * `blueberry/remove-<env>`, one commit of delete actions) whose merging is the removal, as merging
 * the create merge request was the deployment. Idempotent: an environment already gone, or whose
 * removal is already proposed, changes nothing.
 */
export async function removeGitopsEnvironment(
  repository: LocalGitopsRepository | GitlabGitopsRepository,
  request: GitopsChangeRequest,
): Promise<GitopsRemoval> {
  const message = gitopsCommitMessage(
    `remove environment ${request.environment}`,
    request,
  );
  if (repository instanceof LocalGitopsRepository) {
    try {
      const result = await repository.removeEnvironment({
        environment: request.environment,
        message,
      });
      return { status: 'removed', change: result.commit };
    } catch (error) {
      if (error instanceof NotFoundError) return { status: 'absent' };
      throw error;
    }
  }
  const proposal = await repository.proposeRemoval({
    environment: request.environment,
    message,
    title: `Remove environment ${request.environment}`,
    description: gitopsChangeDescription(
      request,
      'Merging removes the environment; Argo CD prunes it, its Namespace included.',
    ),
  });
  if (proposal.status === 'absent') return { status: 'absent' };
  return {
    status: proposal.alreadyOpen ? 'pending' : 'removed',
    change: proposal.mergeRequestUrl,
  };
}
