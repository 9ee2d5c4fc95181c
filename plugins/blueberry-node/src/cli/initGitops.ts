/**
 * Creates or brings up to date a local GitOps repository with Blueberry's bootstrap files committed
 * on a branch. Idempotent; the start script runs it before the backend starts.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     plugins/blueberry-node/src/cli/initGitops.ts --path .local/gitops [--branch main] [--repo-url URL]
 *     [--source-repo GLOB ...] [--namespace-pattern blueberry-{environment}]
 *
 * `--source-repo` and `--namespace-pattern` are `blueberry.gitops.sourceRepos` and
 * `blueberry.gitops.namespacePattern`: the environments' AppProject is written from them.
 * Without --repo-url the Applications name the repository by its file:// URL.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { initGitopsRepository } from '../gitops/initGitopsRepository';

async function main() {
  const { values } = parseArgs({
    options: {
      path: { type: 'string' },
      branch: { type: 'string', default: 'main' },
      'repo-url': { type: 'string' },
      'argocd-namespace': { type: 'string', default: 'argocd' },
      'source-repo': { type: 'string', multiple: true },
      'namespace-pattern': { type: 'string' },
    },
  });
  if (!values.path) {
    throw new Error(
      'Usage: initGitops --path <folder> [--branch main] [--repo-url <url>]',
    );
  }
  const repoPath = path.resolve(values.path);
  const result = await initGitopsRepository({
    path: repoPath,
    branch: values.branch!,
    render: {
      gitops: {
        repoURL: values['repo-url'] ?? pathToFileURL(repoPath).href,
        targetRevision: values.branch!,
        sourceRepos: values['source-repo'],
        namespacePattern: values['namespace-pattern'],
      },
      argocd: { namespace: values['argocd-namespace'] },
    },
  });
  process.stdout.write(
    `${result.changed ? 'Bootstrapped' : 'Already bootstrapped:'} ${
      result.path
    } at ${result.commit}\n`,
  );
}

main().catch(error => {
  process.stderr.write(
    `${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
});
