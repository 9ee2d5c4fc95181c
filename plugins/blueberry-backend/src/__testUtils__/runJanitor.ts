/**
 * Runs one expiry janitor pass in its own process, as a second backend on the same disk would:
 * `node -r @backstage/cli/config/nodeTransform.cjs runJanitor.ts <repoPath> <now>`. Prints the run's
 * summary as JSON.
 */
import { createGitopsRepository } from '@blueberry-idp/plugin-blueberry-node';
import { EnvironmentLifecycle } from '../services/lifecycle/EnvironmentLifecycle';
import { ExpiryJanitor } from '../services/lifecycle/ExpiryJanitor';
import { RENDER_OPTIONS } from './lifecycleRepo';

async function main() {
  const [repoPath, now] = process.argv.slice(2);
  const repository = await createGitopsRepository({
    local: { path: repoPath, branch: 'main', render: RENDER_OPTIONS },
  });
  const lifecycle = new EnvironmentLifecycle({ repository: repository! });
  const quiet = () => {};
  const logger = {
    info: quiet,
    warn: quiet,
    error: quiet,
    debug: quiet,
    child: () => logger,
  };
  const summary = await new ExpiryJanitor({
    lifecycle,
    warnBeforeMs: 0,
    logger,
    now: () => new Date(now),
  }).run();
  process.stdout.write(JSON.stringify(summary));
}

main().catch(error => {
  process.stderr.write(String(error?.stack ?? error));
  process.exit(1);
});
