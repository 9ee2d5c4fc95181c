import path from 'node:path';

/**
 * The shared reference data (Argo CD's CRDs and fixtures), never copied into the repository:
 * BLUEBERRY_SHARED_DIR, or `<repo root>/../shared`.
 */
export function sharedDir(): string {
  // Test-only: the shared data sits beside the repository, never in a built package.
  // eslint-disable-next-line no-restricted-syntax
  const fromHere = path.resolve(__dirname, '../../../../../shared');
  return process.env.BLUEBERRY_SHARED_DIR ?? fromHere;
}
