import { mockCredentials } from '@backstage/backend-test-utils';
import {
  ArgoCdStandIn,
  startArgoCdStandIn,
} from '@blueberry-idp/argocd-standin';
import { environmentNamespace } from '@blueberry-idp/plugin-blueberry-common';
import request from 'supertest';
import { entity, startBlueberryBackend, TOKEN } from './__testUtils__/harness';
import { janitorAtStartup } from './__testUtils__/lifecycleFakes';
import { LifecycleRepo, shopSpec } from './__testUtils__/lifecycleRepo';
import { eventually } from '@blueberry-idp/test-utils';

// Real git, a real backend and the stand-in over real HTTP on a shared 2-core machine.
jest.setTimeout(90_000);

const ENV = 'pr-1';
const user = mockCredentials.user.header();

interface ResourceRef {
  kind: string;
  namespace?: string;
  name: string;
}

/**
 * Expiry end to end: an expired environment, deployed and Healthy in Argo CD (the stand-in,
 * reconciling the real repository), is removed by the janitor as the plugin schedules it; Argo CD
 * then prunes it, and afterwards neither Argo CD nor the backend's API shows anything of it: no
 * Application, managed resource or tree, no child under the root, nothing in its namespace, the
 * Namespace included.
 */
describe('an expired environment removed by the janitor leaves nothing in Argo CD', () => {
  let repo: LifecycleRepo;
  let standIn: ArgoCdStandIn;

  beforeAll(async () => {
    repo = await LifecycleRepo.create();
    await repo.add(shopSpec(ENV, '2020-01-01T00:00:00Z', repo.chartsURL));
    await repo.add(shopSpec('pr-2', '2099-01-01T00:00:00Z', repo.chartsURL));
    standIn = await startArgoCdStandIn({
      repoPath: repo.path,
      token: TOKEN,
      waveDelayMs: 10,
      pollIntervalMs: 50,
      onError: () => {},
    });
  });

  afterAll(async () => {
    await standIn?.stop();
    await repo?.remove();
  });

  const argo = (route: string) =>
    fetch(`${standIn.url}${route}`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
  const argoJson = async (route: string) => (await argo(route)).json();
  const managedEverywhere = async (): Promise<ResourceRef[]> =>
    (await argoJson('/api/v1/applications')).items.flatMap(
      (app: { status?: { resources?: ResourceRef[] } }) =>
        app.status?.resources ?? [],
    );
  const ofEnvironment = (r: ResourceRef) =>
    r.namespace === environmentNamespace(ENV) ||
    (r.kind === 'Namespace' && r.name === environmentNamespace(ENV)) ||
    (r.kind === 'Application' && r.name === ENV);

  it('is deployed with its Namespace before the janitor runs', async () => {
    await eventually(
      async () =>
        (
          await argoJson(`/api/v1/applications/${ENV}`)
        ).status?.operationState?.phase === 'Succeeded',
      30_000,
      `the stand-in to sync ${ENV}`,
    );
    const managed = await argoJson(
      `/api/v1/applications/${ENV}/managed-resources`,
    );
    expect(managed.items).toContainEqual(
      expect.objectContaining({
        kind: 'Namespace',
        name: environmentNamespace(ENV),
      }),
    );
    expect((await managedEverywhere()).filter(ofEnvironment)).not.toEqual([]);
  });

  it('after the janitor: Argo CD and the backend show nothing of it; the other environment stays', async () => {
    const backend = await startBlueberryBackend({
      instances: [{ name: 'local', url: standIn.url }],
      entities: [entity('shop', { 'blueberry.io/app': 'shop' })],
      config: { gitops: { local: { path: repo.path, branch: 'main' } } },
      // Runs the janitor once at start-up and waits for it, as the scheduler would on its timer.
      extraFeatures: janitorAtStartup(),
    });
    try {
      expect(await repo.environments()).toEqual(['pr-2']);
      const selector = encodeURIComponent(`blueberry.io/environment=${ENV}`);
      await eventually(
        async () =>
          (
            await argoJson(`/api/v1/applications?selector=${selector}`)
          ).items.length === 0,
        30_000,
        `Argo CD to prune ${ENV}`,
      );
      for (const route of ['', '/managed-resources', '/resource-tree']) {
        expect((await argo(`/api/v1/applications/${ENV}${route}`)).status).toBe(
          404,
        );
      }
      expect((await managedEverywhere()).filter(ofEnvironment)).toEqual([]);

      // The backend's picture (fed by its watch) follows: pr-1 gone, pr-2 still there.
      await eventually(
        async () => {
          const res = await request(backend.server)
            .get('/api/blueberry/environments')
            .query({ entityRef: 'component:default/shop' })
            .set('Authorization', user);
          const names = res.body.items?.map((e: { name: string }) => e.name);
          return res.status === 200 && names?.join() === 'pr-2';
        },
        30_000,
        'the backend to list only pr-2',
      );
      const gone = await request(backend.server)
        .get(`/api/blueberry/environments/local/${ENV}`)
        .query({ entityRef: 'component:default/shop' })
        .set('Authorization', user);
      expect(gone.status).toBe(404);
    } finally {
      await backend.stop();
    }
  });
});
