import { RenderOptions } from '../render/types';
import { CommitResult, LocalGitopsRepository } from './localGitopsRepository';

/**
 * Initialises a GitOps repository folder: a git repository on `branch` (created when missing) whose
 * last commit holds the bootstrap files (root Application, Application health check, environments/).
 * Idempotent: files that exist are left alone and nothing is committed when nothing changed.
 *
 * @public
 */
export async function initGitopsRepository(options: {
  path: string;
  branch: string;
  render: RenderOptions;
}): Promise<CommitResult & { path: string }> {
  const repository = await LocalGitopsRepository.open(options);
  const result = await repository.bootstrap();
  return { ...result, path: repository.path };
}
