import { mockCredentials } from '@backstage/backend-test-utils';
import {
  ArgoCdStandIn,
  startArgoCdStandIn,
} from '@blueberry-idp/argocd-standin';
import type {
  Environment,
  EnvironmentsResponse,
} from '@blueberry-idp/plugin-blueberry-common';
import request from 'supertest';
import { entity, startBlueberryBackend, TOKEN } from './__testUtils__/harness';
import { LifecycleRepo, shopSpec } from './__testUtils__/lifecycleRepo';
import { eventually } from '@blueberry-idp/test-utils';

// Real git, a real backend and the stand-in over real HTTP on a shared 2-core machine.
jest.setTimeout(90_000);

const user = mockCredentials.user.header();

/**
 * After an environment's directory leaves the GitOps repository, Argo CD deletes it (the resources
 * finalizer first prunes what it manages). The backend follows that through its watch: while Argo CD
 * still shows the Application, the environment is served with `deletingSince` and the resources that
 * are left; then it is gone.
 */
describe('a removed environment, watched through its deletion', () => {
  let repo: LifecycleRepo;
  let standIn: ArgoCdStandIn;
  let backend: Awaited<ReturnType<typeof startBlueberryBackend>>;

  beforeAll(async () => {
    repo = await LifecycleRepo.create();
    await repo.add(shopSpec('pr-7', '2099-01-01T00:00:00Z', repo.chartsURL));
    standIn = await startArgoCdStandIn({
      repoPath: repo.path,
      token: TOKEN,
      // Each wave, and the deletion, lasts this long: long enough to be seen between polls.
      waveDelayMs: 1_500,
      pollIntervalMs: 50,
      onError: () => {},
    });
    backend = await startBlueberryBackend({
      instances: [{ name: 'local', url: standIn.url }],
      entities: [entity('shop', { 'blueberry.io/app': 'shop' })],
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await standIn?.stop();
    await repo?.remove();
  });

  const list = async (): Promise<EnvironmentsResponse> => {
    const res = await request(backend.server)
      .get('/api/blueberry/environments')
      .query({ entityRef: 'component:default/shop' })
      .set('Authorization', user);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('serves the deletion while Argo CD runs it, with what is left, then nothing', async () => {
    const deployed = await eventually(
      async () => (await list()).items.find(e => e.name === 'pr-7'),
      30_000,
      'pr-7 to appear',
    );
    expect(deployed.deletingSince).toBeNull();

    const repository = await repo.open();
    const removal = await repository.proposeChange({
      environment: 'pr-7',
      kind: 'remove',
      summary: 'remove environment pr-7',
      request: {
        reason: 'test',
        requestedBy: 'user:default/jane',
        task: 'deletion test',
      },
      files: [...(await repository.readFiles('pr-7')).keys()].map(path => ({
        path,
        content: null,
      })),
    });
    expect(removal.status).toBe('committed');

    const deleting: Environment = await eventually(
      async () =>
        (await list()).items.find(e => e.name === 'pr-7' && e.deletingSince),
      30_000,
      'pr-7 to be served as being deleted',
    );
    expect(Date.parse(deleting.deletingSince!)).not.toBeNaN();
    const left = deleting.waves.flatMap(w => w.resources);
    expect(left).toContainEqual(
      expect.objectContaining({ kind: 'Namespace', name: 'blueberry-pr-7' }),
    );

    await eventually(
      async () => (await list()).items.every(e => e.name !== 'pr-7'),
      30_000,
      'pr-7 to be gone',
    );
    const gone = await request(backend.server)
      .get('/api/blueberry/environments/local/pr-7')
      .query({ entityRef: 'component:default/shop' })
      .set('Authorization', user);
    expect(gone.status).toBe(404);
  });
});
