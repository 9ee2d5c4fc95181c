import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ArgoCdStandIn,
  startArgoCdStandIn,
} from '@blueberry-idp/argocd-standin';
import { git } from '@blueberry-idp/plugin-blueberry-node';
import request from 'supertest';
import { entity, startBlueberryBackend, TOKEN } from './__testUtils__/harness';
import { LifecycleRepo, shopSpec } from './__testUtils__/lifecycleRepo';
import { eventually } from '@blueberry-idp/test-utils';

// Real git, a real backend and the stand-in over real HTTP on a shared 2-core machine.
jest.setTimeout(60_000);

const user = mockCredentials.user.header();
const ENTITIES = [entity('shop', { 'blueberry.io/app': 'shop' })];
const KEEP = '/api/blueberry/environments/local/pr-7/keep';
const HOUR = 3600_000;

let repo: LifecycleRepo;
let standIn: ArgoCdStandIn;

beforeAll(async () => {
  repo = await LifecycleRepo.create();
  // Expires in two hours: the owner is about to lose it.
  const soon = new Date(Date.now() + 2 * HOUR)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
  await repo.add(shopSpec('pr-7', soon, repo.chartsURL));
  await repo.add(shopSpec('main-line', undefined, repo.chartsURL));
  standIn = await startArgoCdStandIn({
    repoPath: repo.path,
    token: TOKEN,
    waveDelayMs: 10,
    pollIntervalMs: 100,
    onError: () => {},
  });
});

afterAll(async () => {
  await standIn?.stop();
  await repo?.remove();
});

async function startWithLifecycle(
  extra: Parameters<typeof startBlueberryBackend>[0]['extraFeatures'] = [],
) {
  const backend = await startBlueberryBackend({
    instances: [{ name: 'local', url: standIn.url }],
    entities: ENTITIES,
    config: {
      gitops: { local: { path: repo.path, branch: 'main' } },
      lifecycle: { keepExtension: '72h' },
    },
    extraFeatures: extra,
  });
  // Until the watch has the Application, single-environment routes answer 404 or 503.
  await eventually(
    async () => {
      const res = await request(backend.server)
        .get('/api/blueberry/environments/local/pr-7')
        .query({ entityRef: 'component:default/shop' })
        .set('Authorization', user);
      return res.status === 200;
    },
    15_000,
    'the stand-in to serve pr-7',
  );
  return backend;
}

async function committedExpiry(name: string): Promise<string | undefined> {
  const shown = await git(repo.path, [
    'show',
    `HEAD:environments/${name}/application.yaml`,
  ]);
  return /blueberry\.io\/expires-at: "([^"]+)"/.exec(shown.stdout)?.[1];
}

describe('POST /environments/:instance/:name/keep', () => {
  it('moves the expiry out by the keep extension in one commit saying who and why, and answers 202', async () => {
    const backend = await startWithLifecycle();
    try {
      const before = Date.now();
      const previous = await committedExpiry('pr-7');
      const res = await request(backend.server)
        .post(KEEP)
        .query({ entityRef: 'component:default/shop' })
        .set('Authorization', user);
      const after = Date.now();

      expect(res.status).toBe(202);
      expect(res.body).toEqual({
        expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        previousExpiresAt: previous,
        commit: expect.stringMatching(/^[0-9a-f]{40}$/),
      });
      const expiresAt = Date.parse(res.body.expiresAt);
      expect(expiresAt).toBeGreaterThanOrEqual(before + 72 * HOUR - 1000);
      expect(expiresAt).toBeLessThanOrEqual(after + 72 * HOUR);

      expect(await committedExpiry('pr-7')).toBe(res.body.expiresAt);
      const head = await git(repo.path, ['log', '-1', '--format=%H%n%B']);
      expect(head.stdout.trim()).toBe(
        [
          res.body.commit,
          'blueberry: extend environment pr-7',
          '',
          `Reason: kept: expiry moved from ${previous} to ${res.body.expiresAt}`,
          'Requested-by: user:default/mock',
          'Task: POST /api/blueberry/environments/:instance/:name/keep',
        ].join('\n'),
      );
      // Only application.yaml changed.
      const files = await git(repo.path, [
        'show',
        '--name-only',
        '--format=',
        'HEAD',
      ]);
      expect(files.stdout.trim()).toBe('environments/pr-7/application.yaml');
    } finally {
      await backend.stop();
    }
  });

  it('refuses without credentials (401), without the sync permission (403), an unknown environment (404) and a long-lived one (409)', async () => {
    // Denied outright: the policy refuses sync on every entity.
    const decide = (name: string) =>
      name === 'blueberry.environment.sync'
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW;
    const denied = mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(r => ({ result: decide(r.permission.name) })),
      authorizeConditional: async requests =>
        requests.map(r => ({ result: decide(r.permission.name) })) as any,
    }).factory;
    const backend = await startWithLifecycle([denied]);
    const commits = async () =>
      (await git(repo.path, ['rev-list', '--count', 'HEAD'])).stdout.trim();
    const before = await commits();
    try {
      const anonymous = await request(backend.server)
        .post(KEEP)
        .set('Authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);
      const forbidden = await request(backend.server)
        .post(KEEP)
        .query({ entityRef: 'component:default/shop' })
        .set('Authorization', user);
      expect(forbidden.status).toBe(403);
    } finally {
      await backend.stop();
    }

    const allowed = await startWithLifecycle();
    try {
      await eventually(
        async () => {
          const res = await request(allowed.server)
            .get('/api/blueberry/environments/local/main-line')
            .query({ entityRef: 'component:default/shop' })
            .set('Authorization', user);
          return res.status === 200;
        },
        15_000,
        'the stand-in to serve main-line',
      );
      const unknown = await request(allowed.server)
        .post('/api/blueberry/environments/local/pr-404/keep')
        .query({ entityRef: 'component:default/shop' })
        .set('Authorization', user);
      expect(unknown.status).toBe(404);
      const longLived = await request(allowed.server)
        .post('/api/blueberry/environments/local/main-line/keep')
        .query({ entityRef: 'component:default/shop' })
        .set('Authorization', user);
      expect(longLived.status).toBe(409);
      expect(longLived.body.error.message).toMatch(/long-lived/);
    } finally {
      await allowed.stop();
    }
    expect(await commits()).toBe(before);
  });
});
