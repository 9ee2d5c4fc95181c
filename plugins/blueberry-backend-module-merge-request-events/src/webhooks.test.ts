import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { startMergeRequestWorld } from './__testUtils__/backend';
import {
  at,
  githubPullRequestEvent,
  gitlabMergeRequestHook,
} from './__testUtils__/payloads';
import { git } from '@blueberry-idp/plugin-blueberry-node';
import { shopRedisComponent } from '@blueberry-idp/plugin-blueberry-node/testUtils';

// A real backend (events, scaffolder), real template tasks and real git on a shared 2-core machine.
jest.setTimeout(180_000);

const LABEL = 'preview';
const GITLAB_MR = 'https://gitlab.example.com/shop/shop/-/merge_requests/12';
const GITHUB_PR = 'https://github.com/acme/shop/pull/21';

/** A system whose app label the template's checks refuse (not a label value). */
const BROKEN = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: {
    name: 'broken',
    namespace: 'default',
    annotations: {
      'blueberry.io/app': 'Not a label!',
      'github.com/project-slug': 'acme/broken',
    },
  },
  spec: { owner: 'group:default/team-shop' },
};

/**
 * Replays GitLab and GitHub webhook deliveries (open, label, unlabel, close, merge, reopen, repeats
 * and late arrivals) through the events backend's HTTP ingress, with the token and signature the
 * providers send, and checks the GitOps repository after each.
 */
describe('merge request webhooks through the events backend', () => {
  let world: Awaited<ReturnType<typeof startMergeRequestWorld>>;
  let repo: typeof world.host;
  let backend: typeof world.backend;
  const deliver = (provider: 'gitlab' | 'github', payload: unknown) =>
    world.deliver(provider, payload);

  beforeAll(async () => {
    world = await startMergeRequestWorld({
      label: LABEL,
      entities: () => [BROKEN],
    });
    ({ host: repo, backend } = world);
  });

  afterAll(() => world?.stop());

  describe('GitLab merge request hooks', () => {
    const hook = (
      action: Parameters<typeof gitlabMergeRequestHook>[0]['action'],
      minute: number,
      labels: string[],
      previousLabels?: string[],
    ) =>
      gitlabMergeRequestHook({
        iid: 12,
        action,
        labels,
        previousLabels,
        updatedAt: at(minute),
      });

    it('refuses a delivery with the wrong secret token', async () => {
      const before = await repo.changesMade();
      const response = await backend.gitlab(hook('open', 0, [LABEL]), 'wrong');
      expect(response.status).toBe(403);
      expect(await repo.changesMade()).toBe(before);
    });

    it('opened without the label: no environment', async () => {
      expect(await deliver('gitlab', hook('open', 1, []))).toEqual({
        environments: [],
        newCommits: 0,
      });
    });

    it('labelled: the Create environment template makes shop-pr-12, saying who and why', async () => {
      expect(await deliver('gitlab', hook('update', 2, [LABEL], []))).toEqual({
        environments: ['shop-pr-12'],
        newCommits: 1,
      });
      const application = await repo.application('shop-pr-12');
      expect(application.metadata.labels).toMatchObject({
        'blueberry.io/app': 'shop',
        'blueberry.io/type': 'pull-request',
        'blueberry.io/pull-request': '12',
      });
      expect(application.metadata.annotations).toMatchObject({
        'blueberry.io/merge-request': GITLAB_MR,
        'blueberry.io/source-entity': 'system:default/shop',
      });
      // The template's default components, as a user submitting the form unchanged gets them.
      expect(await repo.files('shop-pr-12')).toEqual([
        'application.yaml',
        'components/redis/kustomization.yaml',
        'components/redis/values.yaml',
        'components/shop-backend/kustomization.yaml',
        'components/shop-backend/values.yaml',
        'components/storefront/kustomization.yaml',
        'components/storefront/values.yaml',
        'kustomization.yaml',
        'manifests/namespace.yaml',
      ]);
      expect(await repo.lastMessage()).toMatch(
        new RegExp(
          [
            '^blueberry: create environment shop-pr-12',
            '',
            `Reason: merge request !12 of shop/shop \\(${GITLAB_MR}\\) is open with the label 'preview'`,
            'Requested-by: gitlab:jane \\(through plugin:blueberry\\)',
            'Task: [0-9a-f-]{36}$',
          ].join('\n'),
        ),
      );
    });

    it('the same hook again changes nothing', async () => {
      expect(await deliver('gitlab', hook('update', 2, [LABEL], []))).toEqual({
        environments: ['shop-pr-12'],
        newCommits: 0,
      });
    });

    it('label taken off: removed in one commit', async () => {
      expect(await deliver('gitlab', hook('update', 3, [], [LABEL]))).toEqual({
        environments: [],
        newCommits: 1,
      });
      expect(await repo.lastMessage()).toBe(
        [
          'blueberry: remove environment shop-pr-12',
          '',
          `Reason: the label 'preview' was taken off merge request !12 of shop/shop (${GITLAB_MR})`,
          'Requested-by: gitlab:jane',
          'Task: gitlab.merge_request event (blueberry-backend-module-merge-request-events)',
        ].join('\n'),
      );
    });

    it('label back, then closed: created, then removed; the close again changes nothing', async () => {
      expect(await deliver('gitlab', hook('update', 4, [LABEL], []))).toEqual({
        environments: ['shop-pr-12'],
        newCommits: 1,
      });
      expect(await deliver('gitlab', hook('close', 5, [LABEL]))).toEqual({
        environments: [],
        newCommits: 1,
      });
      expect(await repo.lastMessage()).toContain(
        `Reason: merge request !12 of shop/shop (${GITLAB_MR}) was closed`,
      );
      expect(await deliver('gitlab', hook('close', 5, [LABEL]))).toEqual({
        environments: [],
        newCommits: 0,
      });
    });

    it('reopened with the label: created; merged: removed', async () => {
      expect(await deliver('gitlab', hook('reopen', 6, [LABEL]))).toEqual({
        environments: ['shop-pr-12'],
        newCommits: 1,
      });
      expect(await deliver('gitlab', hook('merge', 7, [LABEL]))).toEqual({
        environments: [],
        newCommits: 1,
      });
      expect(await repo.lastMessage()).toContain('was merged');
    });

    it('an open hook arriving after the merge (late delivery) creates nothing', async () => {
      expect(await deliver('gitlab', hook('open', 6, [LABEL]))).toEqual({
        environments: [],
        newCommits: 0,
      });
    });

    it('!14 closing leaves a pr-14 that records no merge request (removal by the recorded merge request, never by number)', async () => {
      // Made by hand from the template, for no merge request: same name, another owner.
      await repo.add({
        name: 'pr-14',
        app: 'billing',
        owner: 'group:default/team-billing',
        type: 'pull-request',
        pullRequest: 14,
        expiresAt: '2030-01-04T12:00:00Z',
        components: [shopRedisComponent()],
      });
      const close = gitlabMergeRequestHook({
        iid: 14,
        action: 'close',
        labels: [LABEL],
        updatedAt: at(9),
      });
      try {
        expect(await deliver('gitlab', close)).toEqual({
          environments: ['pr-14'],
          newCommits: 0,
        });
      } finally {
        // The later cases expect the repository without it.
        await git(repo.repoPath!, ['rm', '-r', '-q', 'environments/pr-14']);
        await git(repo.repoPath!, ['commit', '-q', '-m', 'remove pr-14']);
      }
    });

    it('closed before it was ever opened: nothing', async () => {
      const late = gitlabMergeRequestHook({
        iid: 13,
        action: 'close',
        labels: [LABEL],
        updatedAt: at(8),
      });
      expect(await deliver('gitlab', late)).toEqual({
        environments: [],
        newCommits: 0,
      });
    });
  });

  describe('GitHub pull request events', () => {
    const event = (
      action: Parameters<typeof githubPullRequestEvent>[0]['action'],
      minute: number,
      labels: string[],
      extra: { label?: string; merged?: boolean } = {},
    ) =>
      githubPullRequestEvent({
        number: 21,
        action,
        labels,
        updatedAt: at(minute),
        ...extra,
      });

    it('refuses a delivery signed with another secret', async () => {
      const before = await repo.changesMade();
      const response = await backend.github(
        event('opened', 0, [LABEL]),
        'wrong',
      );
      expect(response.status).toBe(403);
      expect(await repo.changesMade()).toBe(before);
    });

    it('opened without the label: nothing; labeled: shop-pr-21 by the template; labeled again: nothing', async () => {
      expect(await deliver('github', event('opened', 1, []))).toEqual({
        environments: [],
        newCommits: 0,
      });
      expect(
        await deliver('github', event('labeled', 2, [LABEL], { label: LABEL })),
      ).toEqual({ environments: ['shop-pr-21'], newCommits: 1 });
      expect(
        (await repo.application('shop-pr-21')).metadata.annotations[
          'blueberry.io/merge-request'
        ],
      ).toBe(GITHUB_PR);
      expect(await repo.lastMessage()).toContain(
        'Requested-by: github:octocat (through plugin:blueberry)',
      );
      expect(
        await deliver('github', event('labeled', 2, [LABEL], { label: LABEL })),
      ).toEqual({ environments: ['shop-pr-21'], newCommits: 0 });
    });

    it('another label taken off changes nothing; ours taken off removes it', async () => {
      expect(
        await deliver(
          'github',
          event('unlabeled', 3, [LABEL], { label: 'needs-review' }),
        ),
      ).toEqual({ environments: ['shop-pr-21'], newCommits: 0 });
      expect(
        await deliver('github', event('unlabeled', 4, [], { label: LABEL })),
      ).toEqual({ environments: [], newCommits: 1 });
      expect(await repo.lastMessage()).toContain(
        `Reason: the label 'preview' was taken off pull request #21 of acme/shop (${GITHUB_PR})`,
      );
    });

    it('closed without merging, reopened, merged: removed, created, removed', async () => {
      expect(
        await deliver('github', event('labeled', 5, [LABEL], { label: LABEL })),
      ).toEqual({ environments: ['shop-pr-21'], newCommits: 1 });
      expect(await deliver('github', event('closed', 6, [LABEL]))).toEqual({
        environments: [],
        newCommits: 1,
      });
      expect(await repo.lastMessage()).toContain(
        `Reason: pull request #21 of acme/shop (${GITHUB_PR}) was closed`,
      );
      expect(await deliver('github', event('reopened', 7, [LABEL]))).toEqual({
        environments: ['shop-pr-21'],
        newCommits: 1,
      });
      expect(
        await deliver('github', event('closed', 8, [LABEL], { merged: true })),
      ).toEqual({ environments: [], newCommits: 1 });
      expect(await repo.lastMessage()).toBe(
        [
          'blueberry: remove environment shop-pr-21',
          '',
          `Reason: pull request #21 of acme/shop (${GITHUB_PR}) was merged`,
          'Requested-by: github:octocat',
          'Task: github.pull_request event (blueberry-backend-module-merge-request-events)',
        ].join('\n'),
      );
    });

    it('a labelled pull request of a repository no catalog entity claims: nothing', async () => {
      const stranger = githubPullRequestEvent({
        number: 40,
        action: 'labeled',
        labels: [LABEL],
        label: LABEL,
        updatedAt: at(9),
        repository: 'acme/unknown',
      });
      expect(await deliver('github', stranger)).toEqual({
        environments: [],
        newCommits: 0,
      });
    });

    it('the template’s checks apply: input it refuses fails the task and writes nothing', async () => {
      const refused = githubPullRequestEvent({
        number: 41,
        action: 'labeled',
        labels: [LABEL],
        label: LABEL,
        updatedAt: at(10),
        repository: 'acme/broken',
      });
      expect(await deliver('github', refused)).toEqual({
        environments: [],
        newCommits: 0,
      });
      const tasks = await request(backend.server)
        .get('/api/scaffolder/v2/tasks')
        .set('Authorization', mockCredentials.user.header());
      const task = tasks.body.tasks.find(
        (t: { spec: { parameters: { name: string } } }) =>
          t.spec.parameters.name === 'not-a-label-pr-41',
      );
      expect(task).toMatchObject({
        status: 'failed',
        spec: {
          parameters: {
            entity: 'system:default/broken',
            mergeRequestUrl: 'https://github.com/acme/broken/pull/41',
          },
        },
      });
      const events = await request(backend.server)
        .get(`/api/scaffolder/v2/tasks/${task.id}/events`)
        .set('Authorization', mockCredentials.user.header());
      const completion = events.body.find(
        (e: { type: string }) => e.type === 'completion',
      );
      expect(completion.body.error).toEqual({
        name: 'InputError',
        message: expect.stringContaining('app must be a label value'),
      });
    });

    it('a merged delivery repeated and a labeled one arriving late change nothing', async () => {
      expect(
        await deliver('github', event('closed', 8, [LABEL], { merged: true })),
      ).toEqual({ environments: [], newCommits: 0 });
      expect(
        await deliver('github', event('labeled', 5, [LABEL], { label: LABEL })),
      ).toEqual({ environments: [], newCommits: 0 });
    });
  });
});
