import {
  shopBackendComponent,
  shopPullRequestEnvironment,
} from '@blueberry-idp/plugin-blueberry-node/testUtils';
import examples from '@octokit/webhooks-examples';
import { startMergeRequestWorld } from './__testUtils__/backend';
import { GITOPS_HOSTS } from './__testUtils__/gitopsHost';
import {
  at,
  githubPullRequestEvent,
  gitlabMergeRequestHook,
} from './__testUtils__/payloads';

// A real backend, real git (locally and behind the GitHub stand-in) on a shared 2-core machine.
jest.setTimeout(120_000);

const STORE_PR = 'https://github.com/acme/store/pull/12';
const ADMIN_PR = 'https://github.com/acme/admin/pull/12';
/** GitLab's acme/store !12: the same project path and number as GitHub's, another merge request. */
const STORE_MR = 'https://gitlab.example.com/acme/store/-/merge_requests/12';
/** What GitHub's own example deliveries are about. */
const HELLO_PR = 'https://github.com/Codertocat/Hello-World/pull/2';

const environment = (name: string, mergeRequestUrl: string) =>
  shopPullRequestEnvironment(name, {
    mergeRequestUrl,
    pullRequest: Number(/(\d+)$/.exec(mergeRequestUrl)![1]),
    components: [shopBackendComponent()],
  });

/** GitHub's own example `pull_request` `closed` delivery (@octokit/webhooks-examples). */
function githubClosedExample(): unknown {
  const pullRequest = examples.find(e => e.name === 'pull_request')!;
  return structuredClone(
    pullRequest.examples.find(
      e => (e as { action: string }).action === 'closed',
    ),
  );
}

const removalMessage = (name: string, reason: string, actor: string) =>
  [
    `blueberry: remove environment ${name}`,
    '',
    `Reason: ${reason}`,
    `Requested-by: ${actor}`,
    `Task: ${actor.split(':')[0]}.${
      actor.startsWith('github') ? 'pull_request' : 'merge_request'
    } event (blueberry-backend-module-merge-request-events)`,
  ].join('\n');

/**
 * The module on each GitOps host, by config alone: the local repository (a removal is a commit),
 * GitLab and GitHub (a removal is a merge or pull request; merging it is the removal). Merge
 * request 12 of two repositories, and of one project on two hosts, are different environments:
 * an event removes only the one that records its merge request (provider, host, project, number).
 */
describe.each(GITOPS_HOSTS)(
  'merge request events, GitOps repository %s',
  kind => {
    let world: Awaited<ReturnType<typeof startMergeRequestWorld>>;
    const onHost = kind !== 'local';

    beforeAll(async () => {
      world = await startMergeRequestWorld({
        host: kind,
        specs: [
          environment('store-pr-12', STORE_PR),
          environment('admin-pr-12', ADMIN_PR),
          environment('store-mr-12', STORE_MR),
          environment('hello-world-pr-2', HELLO_PR),
        ],
      });
    });

    afterAll(() => world?.stop());

    /** Delivers; on a Git host, then merges what it proposed, as a reviewer would. */
    async function deliverAndLand(
      provider: 'gitlab' | 'github',
      payload: unknown,
    ) {
      const outcome = await world.deliver(provider, payload);
      await world.host.landAll();
      return {
        ...outcome,
        environments: await world.host.environments(),
      };
    }

    if (onHost) {
      it('an event reads the environments once; later events pay for the listing only', async () => {
        const { host } = world;
        const listing = host.apiRequests();
        await host.environments();
        const listingCost = host.apiRequests() - listing;

        const first = host.apiRequests();
        const built = await world.backend.github(
          githubPullRequestEvent({
            number: 98,
            action: 'closed',
            labels: [],
            updatedAt: at(0),
            repository: 'acme/other',
          }),
        );
        expect(built.status).toBe(202);
        // The first event built the index: it read every environment's files.
        expect(host.apiRequests() - first).toBeGreaterThan(listingCost * 4);

        const second = host.apiRequests();
        const response = await world.backend.gitlab(
          gitlabMergeRequestHook({
            iid: 99,
            action: 'close',
            labels: [],
            updatedAt: at(0),
            project: 'acme/other',
          }),
        );
        expect(response.status).toBe(202);
        expect(host.apiRequests() - second).toBe(listingCost);
        expect(await host.environments()).toEqual([
          'admin-pr-12',
          'hello-world-pr-2',
          'store-mr-12',
          'store-pr-12',
        ]);
      });
    }

    it("closing acme/admin's pull request 12 removes admin-pr-12 only, in one change saying who and why", async () => {
      const closed = githubPullRequestEvent({
        number: 12,
        action: 'closed',
        labels: [],
        updatedAt: at(1),
        repository: 'acme/admin',
      });
      const outcome = await world.deliver('github', closed);
      // A commit locally; on a host one commit on the proposal's branch and the proposal itself.
      expect(outcome.newCommits).toBe(onHost ? 2 : 1);
      expect(await world.host.lastMessage()).toBe(
        removalMessage(
          'admin-pr-12',
          `pull request #12 of acme/admin (${ADMIN_PR}) was closed`,
          'github:octocat',
        ),
      );
      const removal = {
        title: 'Remove environment admin-pr-12',
        branch: 'blueberry/remove-admin-pr-12',
        open: true,
      };
      expect(
        world.host.proposals().map(({ title, branch, open }) => ({
          title,
          branch,
          open,
        })),
      ).toEqual(onHost ? [removal] : []);
      // The same delivery again finds the commit, or the proposal open, and makes nothing.
      expect((await world.deliver('github', closed)).newCommits).toBe(0);
      await world.host.landAll();
      expect(await world.host.environments()).toEqual([
        'hello-world-pr-2',
        'store-mr-12',
        'store-pr-12',
      ]);
      // Once it is gone, a late delivery changes nothing either.
      expect((await world.deliver('github', closed)).newCommits).toBe(0);
    });

    it("GitLab's acme/store !12 merged removes its own environment, not GitHub's acme/store #12", async () => {
      expect(
        await deliverAndLand(
          'gitlab',
          gitlabMergeRequestHook({
            iid: 12,
            action: 'merge',
            labels: [],
            updatedAt: at(2),
            project: 'acme/store',
          }),
        ),
      ).toEqual({
        environments: ['hello-world-pr-2', 'store-pr-12'],
        newCommits: onHost ? 2 : 1,
      });
      expect(await world.host.lastMessage()).toBe(
        removalMessage(
          'store-mr-12',
          `merge request !12 of acme/store (${STORE_MR}) was merged`,
          'gitlab:jane',
        ),
      );
    });

    it('an environment rewritten to record another pull request is not removed by the first one’s close', async () => {
      // Someone points store-pr-12 at acme/store #13 (a person's change on the followed branch).
      const { repository } = world.host;
      const file = 'environments/store-pr-12/application.yaml';
      const application = (await repository.readFiles('store-pr-12')).get(
        file,
      )!;
      const rewritten = application
        .toString('utf8')
        .replace(STORE_PR, 'https://github.com/acme/store/pull/13');
      expect(rewritten).not.toBe(application.toString('utf8'));
      const change = await repository.proposeChange({
        environment: 'store-pr-12',
        kind: 'update',
        summary: 'update environment store-pr-12',
        request: {
          reason: 'moved',
          requestedBy: 'user:default/jane',
          task: 'test',
        },
        files: [{ path: file, content: rewritten }],
      });
      expect(change.status).toMatch(/^(committed|proposed)$/);
      await world.host.landAll();

      const closed = githubPullRequestEvent({
        number: 12,
        action: 'closed',
        labels: [],
        updatedAt: at(3),
        repository: 'acme/store',
      });
      expect(await deliverAndLand('github', closed)).toEqual({
        environments: ['hello-world-pr-2', 'store-pr-12'],
        newCommits: 0,
      });
    });

    it("GitHub's own example closed delivery removes the environment of Codertocat/Hello-World #2", async () => {
      expect(await deliverAndLand('github', githubClosedExample())).toEqual({
        environments: ['store-pr-12'],
        newCommits: onHost ? 2 : 1,
      });
      expect(await world.host.lastMessage()).toContain(
        `Reason: pull request #2 of Codertocat/Hello-World (${HELLO_PR}) was closed`,
      );
    });
  },
);
