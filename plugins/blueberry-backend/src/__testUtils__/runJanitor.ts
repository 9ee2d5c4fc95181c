/**
 * Runs one expiry janitor pass in its own process, as a second backend on the same disk would:
 * `node -r @backstage/cli/config/nodeTransform.cjs runJanitor.ts <repoPath> <now>`. Prints the run's
 * summary as JSON.
 */
import { LocalGitopsRepository } from '@blueberry-idp/plugin-blueberry-node';
import { ExpiryJanitor } from '../services/lifecycle/ExpiryJanitor';
import { LocalGitopsLifecycle } from '../services/lifecycle/LocalGitopsLifecycle';
import { RENDER_OPTIONS } from './lifecycleRepo';

async function main() {
  const [repoPath, now] = process.argv.slice(2);
  const lifecycle = new LocalGitopsLifecycle(
    await LocalGitopsRepository.open({
      path: repoPath,
      branch: 'main',
      render: RENDER_OPTIONS,
    }),
  );
  const quiet = () => {};
  const logger = {
    info: quiet,
    warn: quiet,
    error: quiet,
    debug: quiet,
    child: () => logger,
  };
  const summary = await new ExpiryJanitor({
    store: lifecycle,
    teardown: lifecycle,
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
