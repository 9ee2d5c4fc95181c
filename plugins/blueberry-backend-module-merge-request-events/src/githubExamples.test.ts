import { git } from '@blueberry-idp/plugin-blueberry-node';
import examples from '@octokit/webhooks-examples';
import { systemOf } from './__testUtils__/appRepository';
import { startMergeRequestWorld } from './__testUtils__/backend';

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
  let world: Awaited<ReturnType<typeof startMergeRequestWorld>>;
  let repo: typeof world.host;
  let registry: typeof world.registry;
  const head = example('synchronize').pull_request.head.sha as string;
  const deliver = (payload: unknown) => world.deliver('github', payload);

  beforeAll(async () => {
    world = await startMergeRequestWorld({
      label: LABEL,
      shopRepository: 'hello-world',
      entities: url => [systemOf('hello-world', REPOSITORY, url)],
    });
    ({ host: repo, registry } = world);
    await registry.pushImage('shop/backend', head.slice(0, 7));
    await registry.pushImage('shop/storefront', '1.8.0');
  });

  afterAll(() => world?.stop());

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
        await git(repo.repoPath!, [
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
