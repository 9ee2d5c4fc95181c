import {
  RealRegistry,
  REGISTRY_PASSWORD,
  REGISTRY_USER,
  startRealRegistry,
} from '@blueberry-idp/plugin-blueberry-node/testUtils';
import { git } from '@blueberry-idp/plugin-blueberry-node';
import examples from '@octokit/webhooks-examples';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { serveShopRepository, systemOf } from './__testUtils__/appRepository';
import {
  createGitopsRepository,
  startMergeRequestBackend,
} from './__testUtils__/backend';

// A real backend (events, scaffolder), real template tasks, real git and Debian's real registry;
// the payloads are GitHub's own examples; a shared 2-core machine.
jest.setTimeout(180_000);

/** GitHub's own example `pull_request` deliveries (@octokit/webhooks-examples), by action. */
function example(action: string): any {
  const pullRequest = examples.find(e => e.name === 'pull_request')!;
  const found = pullRequest.examples.find(
    e => (e as { action: string }).action === action,
  );
  if (!found) throw new Error(`GitHub has no pull_request ${action} example`);
  return structuredClone(found);
}

// What GitHub's examples are about: pull request #2 of Codertocat/Hello-World, labelled "bug".
const REPOSITORY = 'Codertocat/Hello-World';
const ENVIRONMENT = 'hello-world-pr-2';
const LABEL = 'bug';

describe("GitHub's own example pull_request deliveries through the events backend", () => {
  let repo: Awaited<ReturnType<typeof createGitopsRepository>>;
  let backend: Awaited<ReturnType<typeof startMergeRequestBackend>>;
  let registry: RealRegistry;
  let files: Awaited<ReturnType<typeof serveShopRepository>>;
  const head = example('synchronize').pull_request.head.sha as string;

  beforeAll(async () => {
    registry = await startRealRegistry('basic');
    await registry.pushImage('shop/backend', head.slice(0, 7));
    await registry.pushImage('shop/storefront', '1.8.0');
    repo = await createGitopsRepository();
    files = await serveShopRepository(
      path.join(repo.root, 'hello-world'),
      registry.host,
    );
    const workDir = path.join(repo.root, 'work');
    await fs.mkdir(workDir);
    backend = await startMergeRequestBackend({
      repoPath: repo.repoPath,
      workDir,
      label: LABEL,
      entities: [systemOf('hello-world', REPOSITORY, files.url)],
      extraConfig: {
        backend: { reading: { allow: [{ host: files.host }] } },
        blueberry: {
          registries: [
            {
              host: registry.host,
              insecure: true,
              username: REGISTRY_USER,
              password: REGISTRY_PASSWORD,
            },
          ],
        },
      },
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await files?.stop();
    await registry?.stop();
    await repo?.remove();
  });

  async function deliver(payload: unknown) {
    const before = await repo.commitCount();
    const response = await backend.github(payload);
    expect(response.status).toBe(202);
    return {
      environments: await repo.environments(),
      newCommits: (await repo.commitCount()) - before,
    };
  }
  const recordedCommit = async () =>
    (await repo.application(ENVIRONMENT)).metadata.annotations[
      'blueberry.io/commit'
    ];

  it('opened without the label: nothing', async () => {
    expect(await deliver(example('opened'))).toEqual({
      environments: [],
      newCommits: 0,
    });
  });

  it("labeled: the environment runs the pull request's head, by digest", async () => {
    expect(await deliver(example('labeled'))).toEqual({
      environments: [ENVIRONMENT],
      newCommits: 1,
    });
    expect(await recordedCommit()).toBe(head);
    expect(
      (await repo.application(ENVIRONMENT)).metadata.annotations,
    ).toMatchObject({
      'blueberry.io/merge-request':
        'https://github.com/Codertocat/Hello-World/pull/2',
    });
  });

  it('synchronize as GitHub sends it (older than the labeled one, the same head): nothing', async () => {
    expect(await deliver(example('synchronize'))).toEqual({
      environments: [ENVIRONMENT],
      newCommits: 0,
    });
  });

  it('synchronize with its head moved on: one commit, the new image by digest', async () => {
    const moved = example('synchronize');
    const next = 'f'.repeat(40);
    moved.pull_request.head.sha = next;
    moved.pull_request.updated_at = '2019-05-15T15:21:00Z';
    const digest = await registry.pushImage('shop/backend', 'fffffff');
    expect(await deliver(moved)).toEqual({
      environments: [ENVIRONMENT],
      newCommits: 1,
    });
    expect(await recordedCommit()).toBe(next);
    expect(
      (
        await git(repo.repoPath, [
          'show',
          `HEAD:environments/${ENVIRONMENT}/components/shop-backend/kustomization.yaml`,
        ])
      ).stdout,
    ).toContain(digest);
  });

  it('closed: removed', async () => {
    expect(await deliver(example('closed'))).toEqual({
      environments: [],
      newCommits: 1,
    });
  });
});
