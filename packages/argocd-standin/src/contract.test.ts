import { stringify } from 'yaml';
import { startArgoCdStandIn, ArgoCdStandIn } from './server';
import { environmentFiles, typicalEnvironment } from './gitops/layout';
import {
  ArgoCdValidators,
  Validator,
  createArgoCdValidators,
  readSharedYaml,
} from './__testUtils__/argoCdSchemas';
import { TestGitRepo } from './__testUtils__/gitRepo';
import { openStream } from './__testUtils__/streams';

/**
 * Contract: every body the stand-in serves validates against Argo CD's swagger.json (as the spec
 * says, and closed to undeclared fields), and every Application against application-crd.yaml. The
 * same validators accept Argo CD's real fixtures and reject broken objects, so they are not lax.
 */

const TOKEN = 'contract-token';

function expectValid(validator: Validator, value: unknown, what: string) {
  const ok = validator(value);
  if (!ok) throw new Error(`${what} does not validate:\n${validator.errors()}`);
  expect(ok).toBe(true);
}

describe('Argo CD contract', () => {
  let validators: ArgoCdValidators;
  let repo: TestGitRepo;
  let standIn: ArgoCdStandIn;
  const get = (path: string, token = TOKEN) =>
    fetch(`${standIn.url}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });

  /** An Application must pass the open and closed swagger definition and the CRD. */
  const expectApplication = (application: unknown, what: string) => {
    expectValid(
      validators.swagger('v1alpha1Application'),
      application,
      `${what} (swagger)`,
    );
    expectValid(
      validators.swaggerClosed('v1alpha1Application'),
      application,
      `${what} (closed)`,
    );
    expectValid(validators.applicationCrd(), application, `${what} (CRD)`);
  };

  beforeAll(async () => {
    validators = createArgoCdValidators();
    repo = new TestGitRepo();
    repo.commitFiles(
      {
        'bootstrap/root-application.yaml': stringify({
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Application',
          metadata: {
            name: 'blueberry-root',
            namespace: 'argocd',
            labels: { 'blueberry.io/role': 'root' },
          },
          spec: {
            project: 'default',
            source: {
              repoURL: 'https://gitlab.example.com/platform/gitops.git',
              targetRevision: 'main',
              path: 'environments',
              directory: { recurse: true, include: '*/application.yaml' },
            },
            destination: {
              server: 'https://kubernetes.default.svc',
              namespace: 'argocd',
            },
            syncPolicy: { automated: { prune: true, selfHeal: true } },
          },
        }),
      },
      'bootstrap',
    );
    standIn = await startArgoCdStandIn({
      repoPath: repo.path,
      token: TOKEN,
      waveDelayMs: 50,
      pollIntervalMs: 50,
      keepaliveMs: 20,
      synthetic: { count: 12, apps: 3, environmentsPerApp: [2] },
    });
  });

  afterAll(async () => {
    await standIn?.stop();
    repo?.dispose();
  });

  it('serves stream events for a whole sync that validate (newline-delimited)', async () => {
    const stream = await openStream(
      `${standIn.url}/api/v1/stream/applications`,
      { token: TOKEN },
    );
    repo.commitFiles(
      environmentFiles(typicalEnvironment('pr-7', 'shop', 7)),
      'pr-7',
    );
    await stream.waitFor(
      m =>
        m.result.application.metadata.name === 'pr-7' &&
        m.result.application.status.operationState?.phase === 'Succeeded',
    );
    stream.close();
    const phases = new Set(
      stream.messages
        .filter(m => m.result.application.metadata.name === 'pr-7')
        .map(m => m.result.application.status.operationState?.phase),
    );
    expect(phases).toEqual(new Set(['Running', 'Succeeded']));
    for (const line of stream.raw) {
      const message = JSON.parse(line);
      expectValid(validators.streamResult(), message, 'stream line');
      expectValid(
        validators.streamResult(true),
        message,
        'stream line (closed)',
      );
      expectApplication(
        message.result.application,
        `streamed ${message.result.application.metadata.name}`,
      );
    }
  });

  it('serves server-sent events with keepalive comments that validate', async () => {
    const stream = await openStream(
      `${standIn.url}/api/v1/stream/applications?selector=${encodeURIComponent(
        'blueberry.io/app=app-01',
      )}`,
      { token: TOKEN, sse: true },
    );
    await stream.waitFor(() => stream.messages.length === 2);
    // keepalives arrive as SSE comments between events
    await new Promise<void>(resolve => {
      const check = () =>
        stream.raw.some(r => r.startsWith(':'))
          ? resolve()
          : setTimeout(check, 10);
      check();
    });
    stream.close();
    for (const message of stream.messages) {
      expectValid(validators.streamResult(true), message, 'SSE event');
      expect(message.result.type).toBe('ADDED');
      expect(
        message.result.application.metadata.labels['blueberry.io/app'],
      ).toBe('app-01');
    }
  });

  it('serves version, session, list, get, tree, managed resources and sync bodies that validate', async () => {
    const anonymousVersion = await (
      await fetch(`${standIn.url}/api/version`)
    ).json();
    expectValid(
      validators.swaggerClosed('versionVersionMessage'),
      anonymousVersion,
      'version',
    );
    expectValid(
      validators.swaggerClosed('versionVersionMessage'),
      await (await get('/api/version')).json(),
      'version',
    );

    const session = await fetch(`${standIn.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'password' }),
    });
    const sessionBody = await session.json();
    expectValid(
      validators.swaggerClosed('sessionSessionResponse'),
      sessionBody,
      'session',
    );

    const list = await (
      await get('/api/v1/applications', sessionBody.token)
    ).json();
    expectValid(validators.swagger('v1alpha1ApplicationList'), list, 'list');
    expectValid(
      validators.swaggerClosed('v1alpha1ApplicationList'),
      list,
      'list (closed)',
    );
    expect(list.items.length).toBeGreaterThanOrEqual(14);
    for (const item of list.items)
      expectApplication(item, `listed ${item.metadata.name}`);

    const fields = await (
      await get(
        '/api/v1/applications?fields=metadata.resourceVersion,items.metadata.name,items.status.health',
      )
    ).json();
    expectValid(
      validators.swaggerClosed('v1alpha1ApplicationList'),
      fields,
      'list with fields',
    );

    for (const name of ['pr-7', 'blueberry-root', 'app-01-pr-1']) {
      const path = `/api/v1/applications/${encodeURIComponent(name)}`;
      expectApplication(await (await get(path)).json(), `get ${name}`);
      const tree = await (await get(`${path}/resource-tree`)).json();
      expectValid(
        validators.swagger('v1alpha1ApplicationTree'),
        tree,
        `tree ${name}`,
      );
      expectValid(
        validators.swaggerClosed('v1alpha1ApplicationTree'),
        tree,
        `tree ${name} (closed)`,
      );
      const managed = await (await get(`${path}/managed-resources`)).json();
      expectValid(
        validators.swaggerClosed('applicationManagedResourcesResponse'),
        managed,
        `managed ${name}`,
      );
    }

    const sync = await fetch(`${standIn.url}/api/v1/applications/pr-7/sync`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: 'pr-7', prune: true }),
    });
    expect(sync.status).toBe(200);
    const synced = await sync.json();
    expect(synced.status.operationState.phase).toBe('Running');
    expectApplication(synced, 'sync response');
  });

  it('serves error bodies in the runtimeError shape', async () => {
    const unauthenticated = await fetch(`${standIn.url}/api/v1/applications`);
    expect(unauthenticated.status).toBe(401);
    const body401 = await unauthenticated.json();
    expectValid(validators.swaggerClosed('runtimeError'), body401, '401 body');
    expect(body401.code).toBe(16);

    const missing = await get('/api/v1/applications/no-such-app');
    expect(missing.status).toBe(404);
    expectValid(
      validators.swaggerClosed('runtimeError'),
      await missing.json(),
      '404 body',
    );
  });

  it("accepts Argo CD's real fixtures with the same validators", () => {
    const withStatus = readSharedYaml(
      'fixtures/application-with-status.diff-cache.yaml',
    );
    expect(withStatus.kind).toBe('Application');
    expectValid(
      validators.swagger('v1alpha1Application'),
      withStatus,
      'diff-cache fixture',
    );
    expectValid(
      validators.applicationCrd(),
      withStatus,
      'diff-cache fixture (CRD)',
    );
    // Its status uses only declared fields, so the closed reading accepts real data too.
    expectValid(
      validators.swaggerClosed('v1alpha1ApplicationStatus'),
      withStatus.status,
      'diff-cache status (closed)',
    );
    expectValid(
      validators.swaggerClosed('v1alpha1ApplicationSpec'),
      withStatus.spec,
      'diff-cache spec (closed)',
    );

    const child = readSharedYaml(
      'fixtures/app-of-apps-child-application.live.yaml',
    );
    expectValid(
      validators.swagger('v1alpha1Application'),
      child,
      'app-of-apps child fixture',
    );
    expectValid(
      validators.applicationCrd(),
      child,
      'app-of-apps child fixture (CRD)',
    );
  });

  it('rejects deliberately broken objects', () => {
    const fixture = readSharedYaml(
      'fixtures/application-with-status.diff-cache.yaml',
    );
    const brokenWave = structuredClone(fixture);
    brokenWave.status.resources[0].syncWave = 'one';
    expect(validators.swagger('v1alpha1Application')(brokenWave)).toBe(false);
    expect(validators.applicationCrd()(brokenWave)).toBe(false);

    const brokenHealth = structuredClone(fixture);
    brokenHealth.status.health = 'Healthy';
    expect(validators.swagger('v1alpha1Application')(brokenHealth)).toBe(false);
    expect(validators.applicationCrd()(brokenHealth)).toBe(false);

    const noDestination = structuredClone(fixture);
    delete noDestination.spec.destination;
    expect(validators.applicationCrd()(noDestination)).toBe(false);

    const misspelt = structuredClone(fixture.status);
    misspelt.resources[0].syncwave = 1;
    expect(validators.swagger('v1alpha1ApplicationStatus')(misspelt)).toBe(
      true,
    );
    expect(
      validators.swaggerClosed('v1alpha1ApplicationStatus')(misspelt),
    ).toBe(false);

    expect(
      validators.streamResult()({
        result: { type: 'ADDED', application: { metadata: { name: 7 } } },
      }),
    ).toBe(false);
    expect(
      validators.swagger('runtimeError')({ error: 'x', code: 'sixteen' }),
    ).toBe(false);
  });
});
