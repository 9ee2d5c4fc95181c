import { startArgoCdStandIn, ArgoCdStandIn } from './server';
import { environmentFiles, typicalEnvironment } from './gitops/layout';
import { TestGitRepo } from './__testUtils__/gitRepo';
import { openStream } from './__testUtils__/streams';

/** The fault knobs, each seen from a client over real HTTP. */

const TOKEN = 'knob-token';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('knobs', () => {
  let repo: TestGitRepo;
  let standIn: ArgoCdStandIn;
  const get = (path: string, headers: Record<string, string> = auth) =>
    fetch(`${standIn.url}${path}`, { headers });
  const setKnobs = (knobs: object) =>
    fetch(`${standIn.url}/admin/knobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(knobs),
    });

  beforeEach(async () => {
    repo = new TestGitRepo();
    repo.commitFiles({ 'README.md': 'gitops\n' }, 'initial');
    standIn = await startArgoCdStandIn({
      repoPath: repo.path,
      token: TOKEN,
      waveDelayMs: 20,
      pollIntervalMs: 20,
      synthetic: { count: 30, apps: 3, environmentsPerApp: [5, 20] },
    });
  });

  afterEach(async () => {
    await standIn.stop();
    repo.dispose();
  });

  it('withholds Ingress addresses so wave 3 hangs Progressing, and releases it', async () => {
    expect((await setKnobs({ withholdIngressAddresses: true })).status).toBe(
      200,
    );
    const stream = await openStream(
      `${standIn.url}/api/v1/stream/applications?name=pr-1`,
      { token: TOKEN },
    );
    repo.commitFiles(
      environmentFiles(typicalEnvironment('pr-1', 'shop', 1)),
      'pr-1',
    );
    const hanging = await stream.waitFor(
      m =>
        m.result.application.status.operationState?.message ===
        'waiting for healthy state of networking.k8s.io/Ingress/web',
    );
    const app = hanging.result.application;
    expect(app.status.operationState.phase).toBe('Running');
    expect(app.status.health.status).toBe('Progressing');
    expect(
      app.status.resources.find((r: any) => r.kind === 'Ingress').health.status,
    ).toBe('Progressing');
    const tree = await (
      await get('/api/v1/applications/pr-1/resource-tree')
    ).json();
    expect(
      tree.nodes.find((n: any) => n.kind === 'Ingress').networkingInfo.ingress,
    ).toBeUndefined();

    standIn.knobs.withholdIngressAddresses = false;
    const done = await stream.waitFor(
      m => m.result.application.status.operationState?.phase === 'Succeeded',
    );
    expect(done.result.application.status.health.status).toBe('Healthy');
    stream.close();
  });

  it('makes a wave go Degraded, and the sync waits on it as Argo CD does', async () => {
    await setKnobs({ degradedWave: 1, degradedApplications: ['pr-2'] });
    const stream = await openStream(
      `${standIn.url}/api/v1/stream/applications?name=pr-2`,
      { token: TOKEN },
    );
    repo.commitFiles(
      environmentFiles(typicalEnvironment('pr-2', 'shop', 2)),
      'pr-2',
    );
    const degraded = await stream.waitFor(
      m => m.result.application.status.health.status === 'Degraded',
    );
    const app = degraded.result.application;
    const deployment = app.status.resources.find(
      (r: any) => r.kind === 'Deployment' && r.name === 'api',
    );
    expect(deployment.health).toEqual({
      status: 'Degraded',
      message: 'Deployment "api" exceeded its progress deadline',
    });
    expect(app.status.operationState.phase).toBe('Running');
    expect(app.status.operationState.message).toBe(
      'waiting for healthy state of apps/Deployment/api',
    );
    // wave 2 never started
    expect(
      app.status.resources.find(
        (r: any) => r.kind === 'Deployment' && r.name === 'web',
      ).health.status,
    ).toBe('Missing');
    stream.close();
  });

  it("answers 401 in Argo CD's shape for an expired token, and accepts the argocd.token cookie", async () => {
    expect(
      (await get('/api/v1/applications', { cookie: `argocd.token=${TOKEN}` }))
        .status,
    ).toBe(200);
    standIn.expireToken(TOKEN);
    const expired = await get('/api/v1/applications');
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({
      error: 'invalid session: token has invalid claims: token is expired',
      code: 16,
      message: 'invalid session: token has invalid claims: token is expired',
    });
    const wrong = await get('/api/v1/applications', {
      authorization: 'Bearer nope',
    });
    expect(wrong.status).toBe(401);
  });

  it('expires every token with the tokenExpired knob; sessions issue new tokens', async () => {
    const session = await fetch(`${standIn.url}/api/v1/session`, {
      method: 'POST',
      body: JSON.stringify({ username: 'admin', password: 'password' }),
    });
    const { token } = await session.json();
    expect(session.headers.get('set-cookie')).toContain('argocd.token=');
    expect(
      (await get('/api/v1/applications', { authorization: `Bearer ${token}` }))
        .status,
    ).toBe(200);
    await setKnobs({ tokenExpired: true });
    expect(
      (await get('/api/v1/applications', { authorization: `Bearer ${token}` }))
        .status,
    ).toBe(401);
    const badLogin = await fetch(`${standIn.url}/api/v1/session`, {
      method: 'POST',
      body: JSON.stringify({ username: 'admin', password: 'wrong' }),
    });
    expect(badLogin.status).toBe(401);
  });

  it('fails a burst of requests with the chosen status, then recovers', async () => {
    await setKnobs({ errorBurst: 2, errorStatus: 429 });
    const first = await get('/api/v1/applications');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('1');
    expect(await first.json()).toMatchObject({ code: 8 });
    expect((await get('/api/v1/applications')).status).toBe(429);
    expect((await get('/api/v1/applications')).status).toBe(200);

    await setKnobs({ errorRate: 1, errorStatus: 503 });
    const unavailable = await get('/api/v1/applications');
    expect(unavailable.status).toBe(503);
    expect(await unavailable.json()).toMatchObject({ code: 14 });
  });

  it('cuts bodies in half with malformedBodies', async () => {
    await setKnobs({ malformedBodies: 1 });
    const text = await (await get('/api/v1/applications')).text();
    expect(() => JSON.parse(text)).toThrow();
    // 30 synthetic Applications and the root
    expect(
      JSON.parse(await (await get('/api/v1/applications')).text()).items,
    ).toHaveLength(31);
  });

  it('drops streams in the middle of a message', async () => {
    await setKnobs({ streamDropAfterEvents: 3 });
    const stream = await openStream(
      `${standIn.url}/api/v1/stream/applications`,
      { token: TOKEN },
    );
    await stream.ended;
    expect(stream.messages).toHaveLength(3);
    const last = stream.raw[stream.raw.length - 1];
    expect(() => JSON.parse(last)).toThrow();
  });

  it('delays responses with latencyMs', async () => {
    await setKnobs({ latencyMs: 50 });
    const knobs = await (await fetch(`${standIn.url}/admin/knobs`)).json();
    expect(knobs.latencyMs).toBe(50);
    expect(
      (await get('/api/v1/applications?selector=blueberry.io/app=app-01'))
        .status,
    ).toBe(200);
  });

  it('refuses unknown knobs', async () => {
    const response = await setKnobs({ latencyMS: 5 });
    expect(response.status).toBe(400);
    expect((await response.json()).message).toBe('unknown knob latencyMS');
  });

  it('holds self-heal off with selfHealDelayMs null, and refuses other values', async () => {
    expect(standIn.knobs.selfHealDelayMs).toBe(2000);
    expect((await setKnobs({ selfHealDelayMs: null })).status).toBe(200);
    expect(standIn.knobs.selfHealDelayMs).toBeNull();
    const refused = await setKnobs({ selfHealDelayMs: 'soon' });
    expect(refused.status).toBe(400);
    expect((await refused.json()).message).toBe(
      'knob selfHealDelayMs must be a non-negative number or null',
    );
    expect((await setKnobs({ selfHealDelayMs: 100 })).status).toBe(200);
    expect(standIn.knobs.selfHealDelayMs).toBe(100);
  });

  it('counts requests per route', async () => {
    await fetch(`${standIn.url}/admin/stats/reset`, { method: 'POST' });
    await get('/api/v1/applications');
    await get('/api/v1/applications');
    await get(`/api/v1/applications/${encodeURIComponent('app-01-pr-1')}`);
    await get('/api/v1/applications/app-01-pr-1/resource-tree');
    const stats = await (await fetch(`${standIn.url}/admin/stats`)).json();
    expect(stats).toEqual({
      total: 4,
      requests: {
        'GET /api/v1/applications': 2,
        'GET /api/v1/applications/{applicationName}/resource-tree': 1,
        'GET /api/v1/applications/{name}': 1,
      },
    });
  });
});

describe('admin endpoint with an admin token', () => {
  it('needs the admin token', async () => {
    const standIn = await startArgoCdStandIn({
      token: 't',
      adminToken: 'admin-secret',
    });
    try {
      expect((await fetch(`${standIn.url}/admin/stats`)).status).toBe(403);
      const ok = await fetch(`${standIn.url}/admin/stats`, {
        headers: { authorization: 'Bearer admin-secret' },
      });
      expect(ok.status).toBe(200);
    } finally {
      await standIn.stop();
    }
  });
});
