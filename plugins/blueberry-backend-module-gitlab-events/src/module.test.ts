import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { GitlabEventRouter } from '@backstage/plugin-events-backend-module-gitlab';
import { EventsService, eventsServiceRef } from '@backstage/plugin-events-node';
import type { EnvironmentSpec } from '@blueberry-idp/plugin-blueberry-common';
import {
  git,
  initGitopsRepository,
  LocalGitopsRepository,
  renderEnvironment,
  writeRenderedFiles,
} from '@blueberry-idp/plugin-blueberry-node';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { blueberryModuleGitlabEvents } from './module';

// Real git and a real backend on a shared 2-core machine.
jest.setTimeout(60_000);

const RENDER = {
  gitops: {
    repoURL: 'https://gitlab.example.com/platform/gitops.git',
    targetRevision: 'main',
  },
};
const MR_URL = 'https://gitlab.example.com/shop/shop/-/merge_requests/12';

function spec(name: string, mergeRequestUrl?: string): EnvironmentSpec {
  return {
    name,
    app: 'shop',
    owner: 'group:default/team-shop',
    type: 'pull-request',
    pullRequest: Number(name.slice(3)),
    ...(mergeRequestUrl ? { mergeRequestUrl } : {}),
    expiresAt: '2030-01-04T12:00:00Z',
    components: [
      {
        name: 'api',
        role: 'backend',
        image: `registry.example.com/shop/api@sha256:${'a'.repeat(64)}`,
        chart: {
          repoURL: 'https://charts.example.com/shop',
          chart: 'shop-service',
          targetRevision: '1.4.2',
        },
      },
    ],
  };
}

/**
 * GitLab's "Merge Request Hook" body, as GitLab's webhook documentation shows it (trimmed of fields
 * nothing reads: repository, labels, changes, assignees).
 */
function mergeRequestHook(iid: number, action: string, url: string) {
  return {
    object_kind: 'merge_request',
    event_type: 'merge_request',
    user: {
      id: 1,
      name: 'Jane Doe',
      username: 'jane',
      avatar_url: 'https://gitlab.example.com/uploads/jane.png',
      email: '[REDACTED]',
    },
    project: {
      id: 14,
      name: 'shop',
      web_url: 'https://gitlab.example.com/shop/shop',
      path_with_namespace: 'shop/shop',
      default_branch: 'main',
    },
    object_attributes: {
      id: 99,
      iid,
      target_branch: 'main',
      source_branch: 'feature/checkout',
      source_project_id: 14,
      target_project_id: 14,
      author_id: 51,
      title: 'Checkout v2',
      created_at: '2030-01-01T10:00:00Z',
      updated_at: '2030-01-02T10:00:00Z',
      state: action === 'merge' ? 'merged' : 'closed',
      merge_status: 'can_be_merged',
      url,
      action,
    },
  };
}

describe('merge request events remove the environment of the merge request', () => {
  let root: string;
  let repoPath: string;
  let events: EventsService;
  let stop: () => Promise<void>;

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'blueberry-mr-events-'));
    repoPath = path.join(root, 'gitops');
    await initGitopsRepository({
      path: repoPath,
      branch: 'main',
      render: RENDER,
    });
    const repository = await LocalGitopsRepository.open({
      path: repoPath,
      branch: 'main',
      render: RENDER,
    });
    for (const s of [spec('pr-12', MR_URL), spec('pr-13', `${MR_URL}3`)]) {
      const workspace = path.join(root, `ws-${s.name}`);
      await writeRenderedFiles(workspace, renderEnvironment(s, RENDER));
      await repository.commitEnvironment({
        environment: s.name,
        sourceDir: path.join(workspace, 'environments', s.name),
        update: false,
        message: `blueberry: create environment ${s.name}`,
      });
    }

    // The GitLab webhook ingress publishes on `gitlab`; the events GitLab module's router moves
    // merge request events to `gitlab.merge_request`, where our module listens.
    const captureEvents = createBackendModule({
      pluginId: 'blueberry',
      moduleId: 'test-events-handle',
      register(env) {
        env.registerInit({
          deps: { service: eventsServiceRef },
          async init({ service }) {
            events = service;
            await new GitlabEventRouter({ events: service }).subscribe();
          },
        });
      },
    });
    const backend = await startTestBackend({
      features: [
        blueberryModuleGitlabEvents,
        captureEvents,
        mockServices.rootConfig.factory({
          data: { blueberry: { gitops: { local: { path: repoPath } } } },
        }),
      ],
    });
    stop = () => backend.stop();
  });

  afterEach(async () => {
    await stop();
    await fs.rm(root, { recursive: true, force: true });
  });

  const environments = async () =>
    (
      await git(repoPath, [
        'ls-tree',
        '-d',
        '--name-only',
        'HEAD',
        'environments/',
      ])
    ).stdout
      .split('\n')
      .filter(Boolean);
  const commitCount = async () =>
    Number(
      (await git(repoPath, ['rev-list', '--count', 'HEAD'])).stdout.trim(),
    );

  function deliver(payload: unknown) {
    return events.publish({
      topic: 'gitlab',
      eventPayload: payload,
      metadata: { 'x-gitlab-event': 'Merge Request Hook' },
    });
  }

  it('removes pr-<iid> on merge in one commit saying who, which task and why; a redelivery commits nothing', async () => {
    const before = await commitCount();
    await deliver(mergeRequestHook(12, 'merge', MR_URL));
    await deliver(mergeRequestHook(12, 'merge', MR_URL));

    expect(await environments()).toEqual(['environments/pr-13']);
    expect(await commitCount()).toBe(before + 1);
    const message = (
      await git(repoPath, ['log', '-1', '--format=%B'])
    ).stdout.trim();
    expect(message).toBe(
      [
        'blueberry: remove environment pr-12',
        '',
        `Reason: merge request !12 of shop/shop was merged (${MR_URL})`,
        'Requested-by: gitlab:jane',
        'Task: gitlab.merge_request event (blueberry-backend-module-gitlab-events)',
      ].join('\n'),
    );
  });

  it('removes it on close too, and leaves it for other actions or another project’s merge request', async () => {
    const before = await commitCount();
    await deliver(mergeRequestHook(12, 'update', MR_URL));
    await deliver(mergeRequestHook(12, 'reopen', MR_URL));
    await deliver(
      mergeRequestHook(
        12,
        'close',
        'https://gitlab.example.com/other/app/-/merge_requests/12',
      ),
    );
    expect(await commitCount()).toBe(before);

    await deliver(mergeRequestHook(12, 'close', MR_URL));
    expect(await environments()).toEqual(['environments/pr-13']);
    expect(await commitCount()).toBe(before + 1);
  });
});
