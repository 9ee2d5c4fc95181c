import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ArgoCdStandIn,
  startArgoCdStandIn,
  typicalEnvironment,
} from '@blueberry-idp/argocd-standin';
import {
  environmentSignalChannel,
  Environment,
  EnvironmentsResponse,
} from '@blueberry-idp/plugin-blueberry-common';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { GitOpsRepo } from './__testUtils__/gitopsRepo';
import { entity, startBlueberryBackend, TOKEN } from './__testUtils__/harness';
import { eventually } from '@blueberry-idp/test-utils';
import { startTcpProxy } from '@blueberry-idp/test-utils';

jest.setTimeout(60_000);

const user = mockCredentials.user.header();

const ENTITIES = [
  entity('shop', { 'blueberry.io/app': 'shop' }),
  entity('shop-features', {
    'argocd/app-selector': 'blueberry.io/app=shop,blueberry.io/type=feature',
  }),
  entity('legacy', {
    'argocd/app-name': 'legacy-1',
    'argocd/instance-name': 'local',
  }),
  entity('elsewhere', {
    'argocd/app-name': 'legacy-1',
    'argocd/instance-name': 'other',
  }),
  entity('plain', {}),
  entity('synthetic', { 'blueberry.io/app': 'app-01' }),
  entity('quick', { 'blueberry.io/app': 'quick' }),
  // Registered by someone who wants every environment: its annotation selects them all.
  entity('widener', { 'argocd/app-selector': 'blueberry.io/role' }),
];

const SHOP = 'component:default/shop';
const LEGACY = 'component:default/legacy';
const WIDENER = 'component:default/widener';

/** Every log line and response body of the suite, searched for the token at the end. */
const seen: string[] = [];

let repo: GitOpsRepo;
let standIn: ArgoCdStandIn;

beforeAll(async () => {
  repo = new GitOpsRepo();
  const recorded = (
    env: ReturnType<typeof typicalEnvironment>,
    source: string,
  ) => ({
    ...env,
    sourceEntity: source,
  });
  const quick = typicalEnvironment('quick-1', 'quick', 1);
  repo.addEnvironments([
    recorded(typicalEnvironment('pr-1', 'shop', 1), SHOP),
    recorded(typicalEnvironment('pr-2', 'shop', 2), SHOP),
    recorded(typicalEnvironment('feature-x', 'shop'), SHOP),
    recorded(typicalEnvironment('legacy-1', 'legacy', 1), LEGACY),
    // No frontend, so no Ingress to wait for: it settles, and Argo CD accepts a sync of it.
    recorded(
      {
        ...quick,
        components: quick.components.filter(c => c.role !== 'frontend'),
      },
      'component:default/quick',
    ),
  ]);
  standIn = await startArgoCdStandIn({
    repoPath: repo.path,
    token: TOKEN,
    waveDelayMs: 30,
    pollIntervalMs: 100,
    // pr-2's backend (wave 1) goes Degraded; no Ingress ever gets an address, so wave 3 hangs.
    knobs: {
      degradedWave: 1,
      degradedApplications: ['pr-2'],
      withholdIngressAddresses: true,
    },
    onError: () => {},
    // Two settled environments of app-01 that nothing holds back, for actions Argo CD accepts.
    synthetic: { count: 2, apps: 1 },
  });
});

afterAll(async () => {
  await standIn?.stop();
  repo?.remove();
});

async function getEnvironments(
  server: any,
  entityRef: string,
): Promise<EnvironmentsResponse> {
  const res = await request(server)
    .get('/api/blueberry/environments')
    .query({ entityRef })
    .set('Authorization', user);
  seen.push(res.text);
  expect(res.status).toBe(200);
  return res.body;
}

/** The refreshes (get with refresh) and syncs the stand-in received since its stats were reset. */
function actionsSent(): Record<string, number> {
  return Object.fromEntries(
    Object.entries(standIn.stats.byRoute()).filter(
      ([route]) =>
        route === 'GET /api/v1/applications/{name}' || route.endsWith('/sync'),
    ),
  );
}

/** Waits until quick-1 has finished its first sync, so Argo CD accepts another. */
function settledQuick(server: any) {
  return eventually(
    async () => {
      const res = await request(server)
        .get('/api/blueberry/environments/local/quick-1')
        .set('Authorization', user);
      return res.status === 200 && res.body.operation?.phase === 'Succeeded';
    },
    15_000,
    'quick-1 to finish its sync',
  );
}

/** Waits until every environment of the shop reached the state the knobs hold it in. */
function settledShop(server: any) {
  return eventually(
    async () => {
      const body = await getEnvironments(server, 'component:default/shop');
      const byName = Object.fromEntries(body.items.map(e => [e.name, e]));
      return (
        byName['pr-1']?.operation?.wave === 3 &&
        byName['feature-x']?.operation?.wave === 3 &&
        byName['pr-2']?.operation?.wave === 1 &&
        body
      );
    },
    15_000,
    'the shop environments to reach their held waves',
  );
}

describe('the environment tree through the REST API', () => {
  let backend: Awaited<ReturnType<typeof startBlueberryBackend>>;
  beforeAll(async () => {
    backend = await startBlueberryBackend({
      instances: [{ name: 'local', url: standIn.url }],
      entities: ENTITIES,
    });
  });
  afterAll(async () => {
    seen.push(...backend.logs.lines);
    await backend.stop();
  });

  it('shows an entity with several environments mid-sync, wave by wave', async () => {
    const body = await settledShop(backend.server);
    expect(body.errors).toEqual([]);
    expect(body.root).toEqual({
      instance: 'local',
      application: 'blueberry-root',
      health: expect.any(String),
      sync: expect.any(String),
    });
    expect(body.items.map(e => e.name)).toEqual(['feature-x', 'pr-1', 'pr-2']);
    const pr1 = body.items.find(e => e.name === 'pr-1')!;
    expect(pr1.waves.map(w => [w.wave, w.health, w.sync])).toEqual([
      [0, 'Healthy', 'Synced'],
      [1, 'Healthy', 'Synced'],
      [2, 'Healthy', 'Synced'],
      [3, 'Progressing', 'Synced'],
    ]);
    expect(pr1.operation).toEqual({ phase: 'Running', wave: 3 });
    const ingress = pr1.waves[3].resources.find(r => r.kind === 'Ingress')!;
    expect(ingress.message).toBeTruthy();
    expect(pr1).toMatchObject({
      instance: 'local',
      application: 'pr-1',
      stale: false,
      health: 'Progressing',
    });
    expect(pr1.argocdUrl).toBe(`${standIn.url}/applications/argocd/pr-1`);
    expect(pr1.labels['blueberry.io/app']).toBe('shop');

    const pr2 = body.items.find(e => e.name === 'pr-2')!;
    expect(pr2.waves[1].health).toBe('Degraded');
    expect(pr2.operation?.wave).toBe(1);
    expect(pr2.waves.slice(2).every(w => w.sync === 'OutOfSync')).toBe(true);
  });

  it('honours the other plugins annotations', async () => {
    const features = await getEnvironments(
      backend.server,
      'component:default/shop-features',
    );
    // feature-x is a Blueberry environment recorded as the shop's: another entity's
    // argocd/app-selector does not reach it (annotation widening).
    expect(features.items.map(e => e.name)).toEqual([]);

    const legacy = await getEnvironments(
      backend.server,
      'component:default/legacy',
    );
    expect(legacy.items.map(e => e.name)).toEqual(['legacy-1']);

    const elsewhere = await getEnvironments(
      backend.server,
      'component:default/elsewhere',
    );
    expect(elsewhere.items).toEqual([]);
    expect(elsewhere.errors).toEqual([
      {
        instance: 'other',
        message: expect.stringMatching(/No Argo CD instance named 'other'/),
      },
    ]);

    expect(
      await getEnvironments(backend.server, 'component:default/plain'),
    ).toEqual({ items: [], errors: [] });
  });

  it('serves one environment in full, with replica sets and pods, and costs Argo CD nothing per list view', async () => {
    await settledShop(backend.server);
    standIn.stats.reset();
    for (let i = 0; i < 5; i++)
      await getEnvironments(backend.server, 'component:default/shop');
    expect(standIn.stats.total).toBe(0);

    const res = await request(backend.server)
      .get('/api/blueberry/environments/local/pr-1')
      .set('Authorization', user);
    seen.push(res.text);
    expect(res.status).toBe(200);
    const env: Environment = res.body;
    const deployment = env.waves[1].resources.find(
      r => r.kind === 'Deployment',
    )!;
    expect(deployment.children?.[0]).toMatchObject({ kind: 'ReplicaSet' });
    expect(deployment.children?.[0].children?.[0]).toMatchObject({
      kind: 'Pod',
    });

    // A second view of the unchanged environment reuses the tree.
    const before = standIn.stats.total;
    await request(backend.server)
      .get('/api/blueberry/environments/local/pr-1')
      .set('Authorization', user);
    expect(standIn.stats.total).toBe(before);
  });

  it('tags the list answer, so a browser revalidating an unchanged answer gets a 304 without a body', async () => {
    await settledShop(backend.server);
    const list = () =>
      request(backend.server)
        .get('/api/blueberry/environments')
        .query({ entityRef: 'component:default/shop' })
        .set('Authorization', user);
    const notModified = await eventually(
      async () => {
        // The answer says when it was observed, to the second: both requests must fall in one.
        const first = await list();
        expect(first.status).toBe(200);
        expect(first.headers.etag).toMatch(/^"[\w-]+"$/);
        expect(first.headers['cache-control']).toBe('private, no-cache');
        const second = await list().set('If-None-Match', first.headers.etag);
        return second.status === 304 && second;
      },
      5_000,
      'a 304 for an unchanged answer',
    );
    expect(notModified.text).toBe('');

    const stale = await list()
      .set('If-None-Match', '"an-older-answer"')
      .set('Accept-Encoding', 'identity');
    expect(stale.status).toBe(200);
    expect(stale.headers['content-type']).toBe(
      'application/json; charset=utf-8',
    );
    expect(Number(stale.headers['content-length'])).toBe(
      Buffer.byteLength(stale.text),
    );
    expect(stale.body.items.length).toBeGreaterThan(0);

    // HEAD gets the headers of the answer and no body.
    const head = await request(backend.server)
      .head('/api/blueberry/environments')
      .query({ entityRef: 'component:default/shop' })
      .set('Authorization', user);
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toMatch(/^application\/json/);
    expect(head.text).toBeUndefined();

    // A browser accepts gzip: the answer comes gzipped (once per answer), tagged as its own encoding.
    const zipped = await list().set('Accept-Encoding', 'gzip, deflate, br');
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toMatch(/Accept-Encoding/);
    expect(zipped.headers.etag).toMatch(/^"[\w-]+-gzip"$/);
    expect(zipped.body.items.map((e: Environment) => e.name).sort()).toEqual(
      stale.body.items.map((e: Environment) => e.name).sort(),
    );
  });

  it('validates input and knows what does not exist', async () => {
    const noRef = await request(backend.server)
      .get('/api/blueberry/environments')
      .set('Authorization', user);
    expect(noRef.status).toBe(400);
    const badRef = await request(backend.server)
      .get('/api/blueberry/environments')
      .query({ entityRef: 'component:default/' })
      .set('Authorization', user);
    expect(badRef.status).toBe(400);
    const badName = await request(backend.server)
      .get('/api/blueberry/environments/local/..%2Fsettings')
      .set('Authorization', user);
    expect(badName.status).toBe(400);
    const unknownInstance = await request(backend.server)
      .get('/api/blueberry/environments/nowhere/pr-1')
      .set('Authorization', user);
    expect(unknownInstance.status).toBe(404);
    const unknownEnv = await request(backend.server)
      .get('/api/blueberry/environments/local/pr-404')
      .set('Authorization', user);
    expect(unknownEnv.status).toBe(404);
    // app-01-pr-1 records no source entity, and the shop does not link to it.
    const wrongEntity = await request(backend.server)
      .get('/api/blueberry/environments/local/app-01-pr-1')
      .query({ entityRef: 'component:default/shop' })
      .set('Authorization', user);
    expect(wrongEntity.status).toBe(404);
  });

  it('passes refresh and sync to Argo CD', async () => {
    await settledQuick(backend.server);
    standIn.stats.reset();
    const refresh = await request(backend.server)
      .post('/api/blueberry/environments/local/pr-1/refresh')
      .set('Authorization', user);
    expect(refresh.status).toBe(202);
    const sync = await request(backend.server)
      .post('/api/blueberry/environments/local/quick-1/sync')
      .set('Authorization', user);
    expect(sync.status).toBe(202);
    // pr-1 is still syncing (its Ingress waits for an address): Argo CD refuses a second operation.
    const busy = await request(backend.server)
      .post('/api/blueberry/environments/local/pr-1/sync')
      .set('Authorization', user);
    expect(busy.status).toBe(409);
    expect(busy.body.error.message).toMatch(/operation/);
    expect(standIn.stats.byRoute()).toMatchObject({
      'GET /api/v1/applications/{name}': 1,
      'POST /api/v1/applications/{name}/sync': 2,
    });
  });

  it('publishes a signal on the entity channel when its environment changes', async () => {
    await settledShop(backend.server);
    const from = backend.signals.published.length;
    repo.addEnvironments([typicalEnvironment('pr-3', 'shop', 3)]);
    await standIn.refresh();
    const signal = await eventually(
      () =>
        backend.signals.published
          .slice(from)
          .find(
            s =>
              s.channel ===
                environmentSignalChannel('component:default/shop') &&
              (s.message.environments as string[]).includes('pr-3'),
          ),
      10_000,
      'a signal for pr-3',
    );
    // Only to the users who were allowed to read the shop's environments: never a broadcast.
    expect(signal.recipients).toEqual({
      type: 'user',
      entityRef: [mockCredentials.user().principal.userEntityRef],
    });
    expect(signal.message).toMatchObject({
      entityRef: 'component:default/shop',
      instance: 'local',
    });
    // Nobody looked at "plain", so it gets nothing.
    expect(
      backend.signals.published.some(
        s => s.channel === environmentSignalChannel('component:default/plain'),
      ),
    ).toBe(false);
  });
});

describe('credentials and permissions', () => {
  const routes: Array<['get' | 'post', string]> = [
    ['get', '/api/blueberry/environments?entityRef=component:default/shop'],
    ['get', '/api/blueberry/environments/local/pr-1'],
    ['post', '/api/blueberry/environments/local/pr-1/refresh'],
    ['post', '/api/blueberry/environments/local/pr-1/sync'],
  ];

  /** A policy that denies one permission outright (on every entity) and allows the others. */
  function denying(name: string) {
    const decide = (permission: string) =>
      permission === name ? AuthorizeResult.DENY : AuthorizeResult.ALLOW;
    return mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(r => ({ result: decide(r.permission.name) })),
      authorizeConditional: async requests =>
        requests.map(r => ({ result: decide(r.permission.name) })) as any,
    }).factory;
  }

  it('answers 401 on every route without credentials', async () => {
    const backend = await startBlueberryBackend({
      instances: [{ name: 'local', url: standIn.url }],
      entities: ENTITIES,
    });
    try {
      for (const [method, path] of routes) {
        const res = await request(backend.server)
          [method](path)
          .set('Authorization', mockCredentials.none.header());
        expect([path, res.status]).toEqual([path, 401]);
      }
    } finally {
      seen.push(...backend.logs.lines);
      await backend.stop();
    }
  });

  it('answers 403 on every route when blueberry.environment.read is denied', async () => {
    const backend = await startBlueberryBackend({
      instances: [{ name: 'local', url: standIn.url }],
      entities: ENTITIES,
      extraFeatures: [denying('blueberry.environment.read')],
    });
    try {
      await eventually(async () => {
        const res = await request(backend.server)
          .get('/api/blueberry/environments/local/pr-1')
          .set('Authorization', user);
        return res.status !== 503 && res.status;
      });
      for (const [method, path] of routes.slice(0, 2)) {
        const res = await request(backend.server)
          [method](path)
          .set('Authorization', user);
        seen.push(res.text);
        expect([path, res.status]).toEqual([path, 403]);
      }
      // Refresh and sync need the sync permission, which is granted.
      const refresh = await request(backend.server)
        .post(routes[2][1])
        .set('Authorization', user);
      expect(refresh.status).toBe(202);
    } finally {
      seen.push(...backend.logs.lines);
      await backend.stop();
    }
  });

  it('answers 403 to refresh and sync when blueberry.environment.sync is denied, and still serves reads', async () => {
    const backend = await startBlueberryBackend({
      instances: [{ name: 'local', url: standIn.url }],
      entities: ENTITIES,
      extraFeatures: [denying('blueberry.environment.sync')],
    });
    try {
      await settledShop(backend.server);
      for (const [method, path] of routes.slice(2)) {
        const res = await request(backend.server)
          [method](path)
          .set('Authorization', user);
        expect([path, res.status]).toEqual([path, 403]);
      }
      const read = await request(backend.server)
        .get(routes[1][1])
        .set('Authorization', user);
      expect(read.status).toBe(200);
    } finally {
      seen.push(...backend.logs.lines);
      await backend.stop();
    }
  });
});

describe('ownership: changes are authorised against the recorded source entity', () => {
  /**
   * A policy of owners, as the shipped one decides through the catalog: the caller owns `owned` and
   * nothing else. Without a resource the answer is conditional (the real policy's shape); with one
   * it is ALLOW for an owned entity and DENY for any other, so every test below sees both answers.
   */
  function owning(owned: string[]) {
    const checked: string[] = [];
    const factory = mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(r => {
          const ref = (r as { resourceRef?: string }).resourceRef;
          checked.push(`${r.permission.name} ${ref}`);
          return {
            result:
              ref && owned.includes(ref)
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
          };
        }),
      authorizeConditional: async requests =>
        requests.map(() => ({
          result: AuthorizeResult.CONDITIONAL,
          pluginId: 'catalog',
          resourceType: 'catalog-entity',
          conditions: {
            rule: 'IS_ENTITY_OWNER',
            resourceType: 'catalog-entity',
            params: { claims: ['group:default/team-a'] },
          },
        })) as any,
    }).factory;
    return { factory, checked };
  }

  let backend: Awaited<ReturnType<typeof startBlueberryBackend>>;
  let policy: ReturnType<typeof owning>;
  beforeAll(async () => {
    // The caller owns the shop and the entity that selects everything, not legacy.
    policy = owning([SHOP, WIDENER]);
    backend = await startBlueberryBackend({
      instances: [{ name: 'local', url: standIn.url }],
      entities: ENTITIES,
      extraFeatures: [policy.factory],
      // The limit has a test of its own.
      config: { actionIntervalSeconds: 0 },
    });
    await eventually(async () => {
      const res = await request(backend.server)
        .get('/api/blueberry/environments/local/pr-1')
        .set('Authorization', user);
      return res.status === 200;
    });
  });
  afterAll(async () => {
    seen.push(...backend.logs.lines);
    await backend.stop();
  });

  const post = (path: string, entityRef?: string) => {
    const req = request(backend.server)
      .post(`/api/blueberry/environments/local/${path}`)
      .set('Authorization', user);
    return entityRef ? req.query({ entityRef }) : req;
  };

  it('lets the owner of the recorded entity act, and checks that entity', async () => {
    standIn.stats.reset();
    const from = policy.checked.length;
    const refresh = await post('pr-1/refresh');
    expect(refresh.status).toBe(202);
    expect(policy.checked.slice(from)).toEqual([
      `blueberry.environment.sync ${SHOP}`,
    ]);
    expect(actionsSent()).toEqual({ 'GET /api/v1/applications/{name}': 1 });
  });

  it("refuses another team's environment, whatever entityRef the caller names", async () => {
    standIn.stats.reset();
    const statuses = [
      (await post('legacy-1/refresh')).status,
      (await post('legacy-1/sync')).status,
      (await post('legacy-1/keep')).status,
      // An entity the caller owns does not lend its grant to an environment it did not record...
      (await post('legacy-1/sync', SHOP)).status,
      // ...nor does one whose annotation selects every environment.
      (await post('legacy-1/sync', WIDENER)).status,
      // An environment that records no source entity is nobody's to change (but an admin's).
      (await post('app-01-pr-1/sync')).status,
    ];
    expect(statuses).toEqual([404, 404, 404, 404, 404, 404]);
    // No action reached Argo CD (a viewed tree may be fetched again in the background).
    expect(actionsSent()).toEqual({});
    // Its annotation does not even link it to the shop's environments.
    expect((await post('pr-1/refresh', WIDENER)).status).toBe(404);
    const widened = await request(backend.server)
      .get('/api/blueberry/environments')
      .query({ entityRef: WIDENER })
      .set('Authorization', user);
    // It reaches only the Applications that record no source entity, none that records one.
    const widenedNames = widened.body.items.map((e: Environment) => e.name);
    expect(widenedNames).toContain('app-01-pr-1');
    for (const recordedElsewhere of ['pr-1', 'pr-2', 'feature-x', 'legacy-1']) {
      expect(widenedNames).not.toContain(recordedElsewhere);
    }
    // The control: the owner's own environment, through the entity it records.
    expect((await post('pr-1/refresh', SHOP)).status).toBe(202);
  });

  it('gives a missing environment and a forbidden one the same answer', async () => {
    const missing = await post('pr-404/sync');
    const forbidden = await post('legacy-1/sync');
    expect(missing.status).toBe(404);
    expect(forbidden.status).toBe(404);
    expect(forbidden.body.error.message.replace('legacy-1', 'X')).toBe(
      missing.body.error.message.replace('pr-404', 'X'),
    );
    const readMissing = await request(backend.server)
      .get('/api/blueberry/environments/local/pr-404')
      .set('Authorization', user);
    expect(readMissing.status).toBe(404);
  });

  it('lets reads follow a linked entity the caller may read', async () => {
    // legacy-1 records legacy, which this caller may not read; the shop's page links only its own.
    const viaLegacy = await request(backend.server)
      .get('/api/blueberry/environments/local/legacy-1')
      .set('Authorization', user);
    expect(viaLegacy.status).toBe(404);
    const viaShop = await request(backend.server)
      .get('/api/blueberry/environments/local/pr-1')
      .query({ entityRef: SHOP })
      .set('Authorization', user);
    expect(viaShop.status).toBe(200);
  });
});

describe('rate limit', () => {
  it('passes one refresh and one sync per environment per interval to Argo CD', async () => {
    const backend = await startBlueberryBackend({
      instances: [{ name: 'local', url: standIn.url }],
      entities: ENTITIES,
      config: { actionIntervalSeconds: 30 },
    });
    try {
      await settledQuick(backend.server);
      standIn.stats.reset();
      const statuses: number[] = [];
      let retryAfter: string | undefined;
      for (let i = 0; i < 20; i++) {
        const res = await request(backend.server)
          .post('/api/blueberry/environments/local/quick-1/refresh')
          .set('Authorization', user);
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers['retry-after'];
      }
      expect(statuses[0]).toBe(202);
      expect(statuses.slice(1).every(s => s === 429)).toBe(true);
      expect(Number(retryAfter)).toBeGreaterThan(0);
      // Another environment has its own slot.
      const other = await request(backend.server)
        .post('/api/blueberry/environments/local/pr-1/refresh')
        .set('Authorization', user);
      expect(other.status).toBe(202);
      expect(actionsSent()).toEqual({ 'GET /api/v1/applications/{name}': 2 });
    } finally {
      seen.push(...backend.logs.lines);
      await backend.stop();
    }
  });
});

describe('failures', () => {
  it('reports an unreachable instance in errors while the other answers', async () => {
    const deadProxy = await startTcpProxy({
      host: '127.0.0.1',
      port: standIn.port,
    });
    deadProxy.down();
    const backend = await startBlueberryBackend({
      instances: [
        { name: 'local', url: standIn.url },
        { name: 'dead', url: deadProxy.url },
      ],
      entities: ENTITIES,
    });
    try {
      const body = await settledShop(backend.server);
      expect(body.items.length).toBeGreaterThanOrEqual(3);
      expect(body.items.every(e => e.instance === 'local' && !e.stale)).toBe(
        true,
      );
      expect(body.errors).toEqual([
        { instance: 'dead', message: expect.stringMatching(/unreachable/) },
      ]);
    } finally {
      seen.push(...backend.logs.lines);
      await backend.stop();
      await deadProxy.stop();
    }
  });

  it('gives up on a watch stream that does not open within the request timeout', async () => {
    // In front of the stand-in: lists pass through, the stream is accepted and never answered.
    const hanging = http.createServer(async (req, res) => {
      if (req.url?.startsWith('/api/v1/stream/')) return;
      const upstream = await fetch(`${standIn.url}${req.url}`, {
        headers: { Authorization: String(req.headers.authorization) },
      });
      res.writeHead(upstream.status, { 'Content-Type': 'application/json' });
      res.end(await upstream.text());
    });
    await new Promise<void>(resolve => hanging.listen(0, '127.0.0.1', resolve));
    const { port } = hanging.address() as AddressInfo;
    const backend = await startBlueberryBackend({
      instances: [
        { name: 'local', url: standIn.url },
        {
          name: 'hanging',
          url: `http://127.0.0.1:${port}`,
          requestTimeoutMs: 300,
        },
      ],
      entities: ENTITIES,
    });
    try {
      const body = await eventually(async () => {
        const answer = await getEnvironments(
          backend.server,
          'component:default/shop',
        );
        return answer.errors.length > 0 && answer;
      });
      expect(body.errors).toEqual([
        {
          instance: 'hanging',
          message: expect.stringMatching(
            /the stream did not open within 300 ms/,
          ),
        },
      ]);
    } finally {
      seen.push(...backend.logs.lines);
      await backend.stop();
      hanging.closeAllConnections();
      await new Promise(resolve => hanging.close(resolve));
    }
  });

  it('reports a refused token as a configuration problem, not a failure of the request', async () => {
    const backend = await startBlueberryBackend({
      instances: [
        { name: 'local', url: standIn.url },
        { name: 'misconfigured', url: standIn.url, token: 'not-the-token' },
      ],
      entities: ENTITIES,
    });
    try {
      const body = await settledShop(backend.server);
      expect(body.errors).toEqual([
        {
          instance: 'misconfigured',
          message: expect.stringMatching(/refused the configured token/),
        },
      ]);
      expect(JSON.stringify(body)).not.toContain('not-the-token');
      expect(backend.logs.lines.join('\n')).not.toContain('not-the-token');
    } finally {
      seen.push(...backend.logs.lines);
      await backend.stop();
    }
  });

  it('serves the last known state as stale while Argo CD is away, and is fresh again when it is back', async () => {
    const proxy = await startTcpProxy({
      host: '127.0.0.1',
      port: standIn.port,
    });
    const backend = await startBlueberryBackend({
      instances: [{ name: 'local', url: proxy.url }],
      entities: ENTITIES,
    });
    try {
      await settledShop(backend.server);
      const signalsBefore = backend.signals.published.length;
      proxy.down();
      const stale = await eventually(async () => {
        const body = await getEnvironments(
          backend.server,
          'component:default/shop',
        );
        return body.items.every(e => e.stale) && body;
      });
      expect(stale.items.length).toBeGreaterThanOrEqual(3);
      expect(stale.errors).toEqual([
        { instance: 'local', message: expect.stringMatching(/unreachable/) },
      ]);
      const observedAt = stale.items[0].observedAt;
      // The page hears that its environments turned stale.
      await eventually(() => backend.signals.published.length > signalsBefore);

      proxy.up();
      const fresh = await eventually(async () => {
        const body = await getEnvironments(
          backend.server,
          'component:default/shop',
        );
        return body.items.every(e => !e.stale) && body;
      }, 15_000);
      expect(fresh.errors).toEqual([]);
      expect(Date.parse(fresh.items[0].observedAt)).toBeGreaterThan(
        Date.parse(observedAt),
      );
    } finally {
      seen.push(...backend.logs.lines);
      await backend.stop();
      await proxy.stop();
    }
  });

  it('recovers from a stream cut in the middle of an event without missing a change', async () => {
    const backend = await startBlueberryBackend({
      instances: [{ name: 'local', url: standIn.url }],
      entities: ENTITIES,
    });
    try {
      await settledShop(backend.server);
      standIn.stats.reset();
      standIn.knobs.streamDropAfterEvents = 2;
      repo.addEnvironments([
        typicalEnvironment('pr-4', 'shop', 4),
        typicalEnvironment('pr-5', 'shop', 5),
      ]);
      await standIn.refresh();
      // The stream is cut mid-message after two events; once the plugin reconnected, let it be.
      await eventually(
        () =>
          (standIn.stats.byRoute()['GET /api/v1/stream/applications'] ?? 0) >=
          2,
      );
      standIn.knobs.streamDropAfterEvents = 0;
      const body = await eventually(
        async () => {
          const current = await getEnvironments(
            backend.server,
            'component:default/shop',
          );
          const names = current.items.map(e => e.name);
          return (
            names.includes('pr-4') &&
            names.includes('pr-5') &&
            current.items
              .filter(e => e.name === 'pr-4' || e.name === 'pr-5')
              .every(e => e.operation?.wave === 3) &&
            current
          );
        },
        20_000,
        'pr-4 and pr-5 to reach wave 3 across stream cuts',
      );
      expect(body.errors).toEqual([]);
      // It resumed from the last resourceVersion: no new list was needed.
      expect(standIn.stats.byRoute()['GET /api/v1/applications'] ?? 0).toBe(0);
    } finally {
      standIn.knobs.streamDropAfterEvents = 0;
      seen.push(...backend.logs.lines);
      await backend.stop();
    }
  });
});

// Runs last: every response body and log line the suite saw.
describe('the Argo CD token', () => {
  it('never appears in a response body or a log line', () => {
    expect(seen.length).toBeGreaterThan(100);
    expect(seen.some(text => /refused the configured token/.test(text))).toBe(
      true,
    );
    const leaks = seen.filter(text => text.includes(TOKEN));
    expect(leaks).toEqual([]);
  });
});
