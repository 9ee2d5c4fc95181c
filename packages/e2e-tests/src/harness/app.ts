import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths';

/**
 * Makes sure packages/app/dist holds a build of the app, which the backend's app plugin serves. The
 * test command builds it once before the end-to-end suites; a run on its own builds it when missing.
 */
export function ensureAppBuilt() {
  const index = path.join(repoRoot, 'packages/app/dist/index.html');
  if (fs.existsSync(index)) return;
  execFileSync('yarn', ['workspace', 'app', 'build'], {
    cwd: repoRoot,
    // The build's listing goes to stderr: benchmarks print their report on stdout.
    stdio: ['ignore', 2, 2],
  });
}
