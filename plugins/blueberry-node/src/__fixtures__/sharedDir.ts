import path from 'node:path';

/**
 * The shared reference data (Argo CD's CRDs and fixtures), never copied into the repository:
 * BLUEBERRY_SHARED_DIR, or `<repo root>/../shared`.
 */
export function sharedDir(): string {
  return (
    // Test-only: the shared data sits beside the repository, never in a built package.
    // eslint-disable-next-line no-restricted-syntax
    process.env.BLUEBERRY_SHARED_DIR ??
    path.resolve(__dirname, '../../../../../shared')
  );
}
