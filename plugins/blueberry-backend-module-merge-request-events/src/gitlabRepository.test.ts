import {
  shopBackendComponent,
  shopPullRequestEnvironment,
} from '@blueberry-idp/plugin-blueberry-node/testUtils';
import type { GitlabApiStandIn } from '@blueberry-idp/test-utils';
import { startMergeRequestWorld } from './__testUtils__/backend';
import { at, gitlabMergeRequestHook } from './__testUtils__/payloads';

// A real backend on a shared 2-core machine.
jest.setTimeout(60_000);

const MR_URL = 'https://gitlab.example.com/shop/shop/-/merge_requests/12';

/**
 * Production's path: the GitOps repository is on GitLab (`blueberry.gitops.gitlab`), so a merged
 * merge request's environment is removed by a merge request on the GitOps project, opened through
 * GitLab's API (here a stand-in over HTTP) with the token of the GitLab integration.
 */
describe('merge request events with the GitOps repository on GitLab', () => {
  let world: Awaited<ReturnType<typeof startMergeRequestWorld>>;
  let gitlab: GitlabApiStandIn;
  let backend: typeof world.backend;

  beforeAll(async () => {
    world = await startMergeRequestWorld({
      host: 'gitlab',
      specs: [
        shopPullRequestEnvironment('pr-12', {
          mergeRequestUrl: MR_URL,
          components: [shopBackendComponent()],
        }),
        shopPullRequestEnvironment('pr-13', {
          mergeRequestUrl: `${MR_URL}3`,
          components: [shopBackendComponent()],
        }),
      ],
    });
    gitlab = world.host.gitlab!;
    backend = world.backend;
  });

  afterAll(() => world?.stop());

  const merged = (iid: number, minute: number) =>
    gitlabMergeRequestHook({
      iid,
      action: 'merge',
      labels: [],
      updatedAt: at(minute),
    });

  it('a merged merge request opens one merge request removing its environment, saying who and why', async () => {
    expect((await backend.gitlab(merged(12, 1))).status).toBe(202);

    expect(gitlab.commits).toEqual([
      {
        branch: 'blueberry/remove-pr-12',
        message: [
          'blueberry: remove environment pr-12',
          '',
          `Reason: merge request !12 of shop/shop (${MR_URL}) was merged`,
          'Requested-by: gitlab:jane',
          'Task: gitlab.merge_request event (blueberry-backend-module-merge-request-events)',
        ].join('\n'),
        deleted: expect.arrayContaining([
          'environments/pr-12/application.yaml',
        ]),
        updated: [],
      },
    ]);
    expect(
      gitlab.commits[0].deleted.every(f => f.startsWith('environments/pr-12/')),
    ).toBe(true);
    expect(gitlab.mergeRequests).toEqual([
      expect.objectContaining({
        title: 'Remove environment pr-12',
        target_branch: 'main',
        state: 'opened',
        description: expect.stringContaining('Requested-by: gitlab:jane'),
      }),
    ]);
  });

  it('the same hook again finds that merge request open and opens no other', async () => {
    expect((await backend.gitlab(merged(12, 1))).status).toBe(202);
    expect(gitlab.commits).toHaveLength(1);
    expect(gitlab.mergeRequests).toHaveLength(1);
  });

  it('once merged, the environment is gone and a late hook changes nothing; another project’s !13 is left alone', async () => {
    gitlab.merge(1);
    expect((await backend.gitlab(merged(12, 2))).status).toBe(202);
    // pr-13 records another merge request URL (same number space, other merge request).
    expect((await backend.gitlab(merged(13, 3))).status).toBe(202);
    expect(gitlab.commits).toHaveLength(1);
    expect(gitlab.mergeRequests).toHaveLength(1);
    expect(
      [...gitlab.branches.get('main')!.keys()].some(f =>
        f.startsWith('environments/pr-13/'),
      ),
    ).toBe(true);
  });
});
