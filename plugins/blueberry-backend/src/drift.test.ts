import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ArgoCdStandIn,
  startArgoCdStandIn,
} from '@blueberry-idp/argocd-standin';
import type { EnvironmentDriftResponse } from '@blueberry-idp/plugin-blueberry-common';
import request from 'supertest';
import { entity, startBlueberryBackend, TOKEN } from './__testUtils__/harness';
import { LifecycleRepo, shopSpec } from './__testUtils__/lifecycleRepo';
import { eventually } from '@blueberry-idp/test-utils';

// A real backend and the stand-in over real HTTP, real git, on a shared 2-core machine.
jest.setTimeout(90_000);

const user = mockCredentials.user.header();
const BASE = '/api/blueberry/environments/local/pr-6';

/** Reads allowed or denied for everyone; nothing else is asked here. */
function reads(result: AuthorizeResult.ALLOW | AuthorizeResult.DENY) {
  return mockServices.permissions.mock({
    authorize: async requests => requests.map(() => ({ result })),
    authorizeConditional: async requests =>
      requests.map(() => ({ result })) as any,
  }).factory;
}

let repo: LifecycleRepo;
let standIn: ArgoCdStandIn;

beforeAll(async () => {
  repo = await LifecycleRepo.create();
  await repo.add(shopSpec('pr-6', '2099-01-01T00:00:00Z', repo.chartsURL));
  standIn = await startArgoCdStandIn({
    repoPath: repo.path,
    token: TOKEN,
    waveDelayMs: 10,
    pollIntervalMs: 100,
    // Self-heal held off so the drift stays to be read; the stand-in's own tests cover the heal.
    knobs: { selfHealDelayMs: null },
    onError: () => {},
  });
});

afterAll(async () => {
  await standIn?.stop();
  await repo?.remove();
});

async function startBackend(
  result: AuthorizeResult.ALLOW | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
) {
  const backend = await startBlueberryBackend({
    instances: [{ name: 'local', url: standIn.url }],
    entities: [entity('shop', { 'blueberry.io/app': 'shop' })],
    config: { lifecycle: { janitor: { enabled: false } } },
    extraFeatures: [reads(result)],
  });
  return backend;
}

const drift = (server: Parameters<typeof request>[0]) =>
  request(server).get(`${BASE}/drift`).set('Authorization', user);

describe('GET /environments/:instance/:name/drift', () => {
  it('lists nothing while the environment matches Git, then the resource edited in the cluster with its diff', async () => {
    const backend = await startBackend();
    try {
      let body: EnvironmentDriftResponse | undefined;
      await eventually(
        async () => {
          const env = await request(backend.server)
            .get(BASE)
            .set('Authorization', user);
          return env.status === 200 && env.body.sync === 'Synced';
        },
        30_000,
        'pr-6 to be deployed',
      );
      const clean = await drift(backend.server);
      expect(clean.status).toBe(200);
      expect(clean.body).toEqual({ items: [], selfHeal: true });

      standIn.knobs.driftedResources = ['pr-6/Deployment/api'];
      await eventually(
        async () => {
          const res = await drift(backend.server);
          body = res.body;
          return res.status === 200 && body!.items.length > 0;
        },
        15_000,
        'the edit to show as drift',
      );
      expect(body!.selfHeal).toBe(true);
      expect(body!.items).toEqual([
        {
          group: 'apps',
          kind: 'Deployment',
          namespace: expect.any(String),
          name: 'api',
          diff: expect.stringMatching(/^--- git\n\+\+\+ live\n@@ /),
        },
      ]);
      const diff = body!.items[0].diff;
      expect(diff).toContain('\n-  replicas: 1\n+  replicas: 3');
      // What the cluster stamps on every object is not drift.
      expect(diff).not.toMatch(/uid|resourceVersion|creationTimestamp/);
      // Argo CD's stream brings the Application OutOfSync, as the environment shows it.
      await eventually(
        async () =>
          (
            await request(backend.server).get(BASE).set('Authorization', user)
          ).body.sync === 'OutOfSync',
        15_000,
        'the environment to turn OutOfSync',
      );
    } finally {
      standIn.knobs.driftedResources = [];
      await backend.stop();
    }
  });

  it('checks read permission and answers 404 for an environment Argo CD does not have', async () => {
    const denied = await startBackend(AuthorizeResult.DENY);
    try {
      await eventually(
        async () =>
          (await drift(denied.server)).status !== 404 &&
          (await drift(denied.server)).status !== 503,
        15_000,
        'the stand-in to serve pr-6',
      );
      expect((await drift(denied.server)).status).toBe(403);
      const anonymous = await request(denied.server)
        .get(`${BASE}/drift`)
        .set('Authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);
    } finally {
      await denied.stop();
    }
    const allowed = await startBackend();
    try {
      await eventually(
        async () => (await drift(allowed.server)).status === 200,
        15_000,
        'the stand-in to serve pr-6',
      );
      const missing = await request(allowed.server)
        .get('/api/blueberry/environments/local/pr-404/drift')
        .set('Authorization', user);
      expect(missing.status).toBe(404);
    } finally {
      await allowed.stop();
    }
  });
});
