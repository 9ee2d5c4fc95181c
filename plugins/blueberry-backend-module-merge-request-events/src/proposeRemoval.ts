import type {
  GitopsChangeRequest,
  GitopsRepository,
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
 * Removes an environment from the GitOps repository: one `proposeChange` deleting every file of
 * its folder, with who asked, which task and why. Idempotent as `proposeChange` is: an open
 * proposal answers a repeat, and a folder already gone changes nothing. Argo CD then prunes the
 * environment (the resources finalizer takes its Namespace too).
 */
export async function proposeRemoval(
  repository: GitopsRepository,
  request: GitopsChangeRequest,
): Promise<RemovalOutcome> {
  const { environment } = request;
  const files = await repository.readFiles(environment);
  if (files.size === 0) return { status: 'absent' };
  const result = await repository.proposeChange({
    environment,
    kind: 'remove',
    summary: `remove environment ${environment}`,
    request,
    files: [...files.keys()].map(path => ({ path, content: null })),
    merging:
      'Merging removes the environment; Argo CD prunes it, its Namespace included.',
  });
  if (result.status === 'unchanged') return { status: 'absent' };
  return {
    status: result.alreadyOpen ? 'pending' : 'removed',
    change: result.url ?? result.revision,
  };
}
