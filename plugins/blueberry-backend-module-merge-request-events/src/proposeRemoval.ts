import {
  proposeEnvironmentRemoval,
  type GitopsChangeRequest,
  type GitopsRepository,
} from '@blueberry-idp/plugin-blueberry-node';

/**
 * What a removal did: `removed` by a commit (the local repository) or a new merge/pull request
 * (GitLab, GitHub), whose merging is the removal; `pending` when that proposal was open already;
 * `absent` when the followed branch holds nothing of the environment.
 */
export type RemovalOutcome =
  | { status: 'absent' }
  | { status: 'removed' | 'pending'; change: string };

/**
 * Removes an environment from the GitOps repository (`proposeEnvironmentRemoval`): an open
 * proposal answers a repeat as `pending`, and a folder already gone changes nothing.
 */
export async function proposeRemoval(
  repository: GitopsRepository,
  request: GitopsChangeRequest,
): Promise<RemovalOutcome> {
  const result = await proposeEnvironmentRemoval(repository, request);
  if (!result) return { status: 'absent' };
  return {
    status: result.alreadyOpen ? 'pending' : 'removed',
    change: result.url ?? result.revision,
  };
}
