import path from 'node:path';

/** The repository's root folder (two levels above this package). */
export const repoRoot = path.resolve(
  require.resolve('@blueberry-idp/e2e-tests/package.json'),
  '../../..',
);

/** Screenshots and logs of end-to-end runs: git-ignored. */
export const artifactsDir = path.join(repoRoot, 'artifacts', 'e2e');
