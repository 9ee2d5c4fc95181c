/*
 * A second process for the cross-process lock test: opens the local GitOps repository at argv[2]
 * and proposes argv[4] changes, each creating environment `<argv[3]>-<i>`, as fast as it can;
 * prints the results as JSON. Run with node and Backstage's TypeScript transform.
 */
import { LocalGitopsRepository } from '../localGitopsRepository';

async function main() {
  const [repoPath, prefix, count] = process.argv.slice(2);
  const repository = await LocalGitopsRepository.open({
    path: repoPath,
    branch: 'main',
    render: { gitops: { repoURL: 'file:///gitops', targetRevision: 'main' } },
  });
  const results = [];
  for (let i = 1; i <= Number(count); i++) {
    const environment = `${prefix}-${i}`;
    results.push(
      await repository.proposeChange({
        environment,
        kind: 'create',
        summary: `create environment ${environment}`,
        request: {
          reason: 'lock test',
          requestedBy: 'user:default/jane',
          task: `process ${process.pid}`,
        },
        files: [
          {
            path: `environments/${environment}/application.yaml`,
            content: `name: ${environment}\n`,
          },
        ],
      }),
    );
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch(error => {
  process.stderr.write(String(error?.stack ?? error));
  process.exit(1);
});
