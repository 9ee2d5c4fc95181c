import path from 'node:path';

/** The repository's root folder. */
export const repoRoot = path.resolve(__dirname, '../../../..');

/** Screenshots and logs of end-to-end runs: git-ignored. */
export const artifactsDir = path.join(repoRoot, 'artifacts', 'e2e');
