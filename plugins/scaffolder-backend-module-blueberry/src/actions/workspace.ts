import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';

/**
 * The folder `targetPath` names inside the workspace. A path that leaves the workspace is bad input
 * (resolveSafeChildPath says NotAllowed, which would read as a permission problem to the user).
 */
export function workspaceFolder(
  workspacePath: string,
  targetPath: string,
  field: string,
): string {
  try {
    return resolveSafeChildPath(workspacePath, targetPath);
  } catch {
    throw new InputError(
      `Invalid input: ${field} must be a folder inside the workspace, got '${targetPath}'`,
    );
  }
}
