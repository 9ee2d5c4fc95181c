import type { GitopsChangeRequest } from './changeMessage';
import type { GitopsChangeResult, GitopsRepository } from './GitopsRepository';

/**
 * Proposes the removal of an environment: one `proposeChange` deleting every file of its folder,
 * with who asked, which task and why (a commit locally, a merge or pull request on a Git host,
 * whose merging is the removal; Argo CD then prunes it, its Namespace included). Idempotent as
 * `proposeChange` is. Undefined when there is nothing to remove: the followed branch holds no file
 * of the environment, or another writer removed it first.
 *
 * @public
 */
export async function proposeEnvironmentRemoval(
  repository: GitopsRepository,
  request: GitopsChangeRequest,
): Promise<GitopsChangeResult | undefined> {
  const { environment } = request;
  const files = await repository.readFiles(environment);
  if (files.size === 0) return undefined;
  const result = await repository.proposeChange({
    environment,
    kind: 'remove',
    summary: `remove environment ${environment}`,
    request,
    files: [...files.keys()].map(path => ({ path, content: null })),
    merging:
      'Merging removes the environment; Argo CD prunes it, its Namespace included.',
  });
  return result.status === 'unchanged' ? undefined : result;
}
