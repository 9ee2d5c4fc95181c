/**
 * The embedded default's OCI registry: Debian's docker-registry on 127.0.0.1:7082 (the example
 * shop's blueprint names it), holding the example shop's images, so the blueprint's tags resolve to
 * digests. The images are small made-up ones (a config and one layer): the Argo CD stand-in renders
 * charts, it runs no containers. The start script runs it beside the stand-in.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     plugins/blueberry-node/src/cli/localRegistry.ts [--port 7082] [--commit <sha>]...
 *
 * It pushes `shop/storefront:1.8.0` and `shop/backend:<short sha>` for each `--commit` (default:
 * the current commit of this repository), then serves until it is stopped.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { startRealRegistry } from '../testUtils/realRegistry';

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '7082' },
      commit: { type: 'string', multiple: true },
    },
  });
  const commits = values.commit?.length
    ? values.commit
    : [execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim()];
  const registry = await startRealRegistry('none', {
    port: Number(values.port),
  });
  await registry.pushImage('shop/storefront', '1.8.0');
  for (const commit of commits) {
    await registry.pushImage('shop/backend', commit.slice(0, 7));
  }
  process.stdout.write(
    `Local registry on ${
      registry.host
    }: shop/storefront:1.8.0, shop/backend:${commits
      .map(c => c.slice(0, 7))
      .join(', ')} (give "Create environment" the commit ${commits[0]})\n`,
  );
  const stop = () => registry.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
