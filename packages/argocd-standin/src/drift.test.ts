import { startArgoCdStandIn, ArgoCdStandIn } from './server';
import { environmentFiles, typicalEnvironment } from './gitops/layout';
import {
  ArgoCdValidators,
  createArgoCdValidators,
} from './__testUtils__/argoCdSchemas';
import { TestGitRepo } from './__testUtils__/gitRepo';
import { openStream } from './__testUtils__/streams';
import { sleep } from '@blueberry-idp/plugin-blueberry-common';

/**
 * The driftedResources knob, seen over real HTTP: live state edited by hand, as Argo CD shows it,
 * and Argo CD's self-heal (`automated.selfHeal`) syncing it back after `selfHealDelayMs`.
 */

const TOKEN = 'drift-token';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('drift', () => {
  let validators: ArgoCdValidators;
  let repo: TestGitRepo;
  let standIn: ArgoCdStandIn;
  const get = async (path: string) =>
    (await fetch(`${standIn.url}${path}`, { headers: auth })).json();

  beforeAll(() => {
    validators = createArgoCdValidators();
  });

  beforeEach(async () => {
    repo = new TestGitRepo();
    repo.commitFiles({ 'README.md': 'gitops\n' }, 'initial');
    standIn = await startArgoCdStandIn({
      repoPath: repo.path,
      token: TOKEN,
      waveDelayMs: 20,
      pollIntervalMs: 20,
      // Self-heal held off: these tests see drift stay; the self-heal tests turn it on.
      knobs: { selfHealDelayMs: null },
    });
  });

  afterEach(async () => {
    await standIn.stop();
    repo.dispose();
  });

  async function deployed(name: string) {
    const stream = await openStream(
      `${standIn.url}/api/v1/stream/applications?name=${name}`,
      { token: TOKEN },
    );
    repo.commitFiles(
      environmentFiles(typicalEnvironment(name, 'shop', 3)),
      name,
    );
    await stream.waitFor(
      m =>
        m.result.application.status.operationState?.phase === 'Succeeded' &&
        m.result.application.status.sync.status === 'Synced',
    );
    return stream;
  }

  it('refuses a drifted resource that is not <application>/<Kind>/<name>', async () => {
    const response = await fetch(`${standIn.url}/admin/knobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ driftedResources: ['pr-3/api'] }),
    });
    expect(response.status).toBe(400);
  });

  it('makes a resource drift: OutOfSync, its normalized live state differing from its target, until a sync', async () => {
    const stream = await deployed('pr-3');
    const before = await get('/api/v1/applications/pr-3/managed-resources');
    expect(before.items.every((i: any) => i.modified === false)).toBe(true);

    standIn.knobs.driftedResources = ['pr-3/Deployment/api'];
    const app = await get('/api/v1/applications/pr-3');
    expect(app.status.sync.status).toBe('OutOfSync');
    const statuses = app.status.resources.map(
      (r: any) => `${r.kind}/${r.name}=${r.status}`,
    );
    expect(statuses).toContain('Deployment/api=OutOfSync');
    expect(statuses.filter((s: string) => s.endsWith('=OutOfSync'))).toEqual([
      'Deployment/api=OutOfSync',
    ]);

    const managed = await get('/api/v1/applications/pr-3/managed-resources');
    const valid = validators.swaggerClosed(
      'applicationManagedResourcesResponse',
    );
    if (!valid(managed)) throw new Error(valid.errors());
    const api = managed.items.find(
      (i: any) => i.kind === 'Deployment' && i.name === 'api',
    );
    expect(api.modified).toBe(true);
    expect(JSON.parse(api.normalizedLiveState).spec.replicas).toBe(3);
    expect(JSON.parse(api.targetState).spec.replicas).toBe(1);
    expect(api.predictedLiveState).toBe(api.targetState);
    expect(
      managed.items.filter((i: any) => i.modified).map((i: any) => i.name),
    ).toEqual(['api']);

    // Filtered as Argo CD filters (?kind=&name=), the one resource.
    const one = await get(
      '/api/v1/applications/pr-3/managed-resources?kind=Deployment&name=api',
    );
    expect(one.items).toHaveLength(1);

    // Listed still: the knob edits a resource once per assignment, so the sync below stays put.
    const synced = app.status.history.length;
    const sync = await fetch(`${standIn.url}/api/v1/applications/pr-3/sync`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'pr-3' }),
    });
    expect(sync.status).toBe(200);
    // The sync's end is its history entry (one per completed sync, as Argo CD records them).
    await stream.waitFor(
      m => m.result.application.status.history?.length === synced + 1,
    );
    const after = await get('/api/v1/applications/pr-3/managed-resources');
    const healed = after.items.find(
      (i: any) => i.kind === 'Deployment' && i.name === 'api',
    );
    expect(healed.modified).toBe(false);
    expect(JSON.parse(healed.normalizedLiveState).spec.replicas).toBe(1);
    const later = await get('/api/v1/applications/pr-3');
    expect(later.status.sync.status).toBe('Synced');
    expect(later.status.operationState.operation.initiatedBy).toEqual({
      username: expect.any(String),
    });
    stream.close();
  });

  it('self-heals: with automated.selfHeal, after selfHealDelayMs an automated sync puts the edit back, and it stays back', async () => {
    const stream = await deployed('pr-4');
    const synced = (await get('/api/v1/applications/pr-4')).status.history
      .length;
    standIn.knobs.selfHealDelayMs = 200;
    const driftedAt = Date.now();
    standIn.knobs.driftedResources = ['pr-4/Deployment/api'];
    const app = await get('/api/v1/applications/pr-4');
    expect(app.spec.syncPolicy.automated.selfHeal).toBe(true);
    expect(app.status.sync.status).toBe('OutOfSync');

    // The controller's automated sync, recorded as Argo CD records it.
    const healing = await stream.waitFor(
      m =>
        m.result.application.status.operationState?.phase === 'Running' &&
        m.result.application.status.history?.length === synced,
    );
    expect(Date.now() - driftedAt).toBeGreaterThanOrEqual(190);
    const operation = healing.result.application.operation;
    expect(operation.initiatedBy).toEqual({ automated: true });
    expect(operation.retry).toBeDefined();
    const valid = validators.swaggerClosed('v1alpha1Application');
    if (!valid(healing.result.application)) throw new Error(valid.errors());

    await stream.waitFor(
      m =>
        m.result.application.status.history?.length === synced + 1 &&
        m.result.application.status.sync.status === 'Synced',
    );
    const after = await get('/api/v1/applications/pr-4/managed-resources');
    const healed = after.items.find(
      (i: any) => i.kind === 'Deployment' && i.name === 'api',
    );
    expect(healed.modified).toBe(false);
    expect(JSON.parse(healed.normalizedLiveState).spec.replicas).toBe(1);
    const state = (await get('/api/v1/applications/pr-4')).status
      .operationState;
    expect(state.operation.initiatedBy).toEqual({ automated: true });
    expect(state.phase).toBe('Succeeded');

    // Still listed, it is not edited again: the heal stays, no sync follows.
    await sleep(400);
    const settled = await get('/api/v1/applications/pr-4');
    expect(settled.status.sync.status).toBe('Synced');
    expect(settled.status.history).toHaveLength(synced + 1);

    // Assigning the knob again is a new edit, healed again.
    standIn.knobs.driftedResources = ['pr-4/Deployment/api'];
    expect((await get('/api/v1/applications/pr-4')).status.sync.status).toBe(
      'OutOfSync',
    );
    await stream.waitFor(
      m =>
        m.result.application.status.history?.length === synced + 2 &&
        m.result.application.status.sync.status === 'Synced',
    );
    stream.close();
  });

  it('does not self-heal an Application without automated.selfHeal: it stays OutOfSync', async () => {
    const environment = typicalEnvironment('pr-5', 'shop', 3);
    const files = environmentFiles(environment);
    for (const [path, content] of Object.entries(files)) {
      if (content.includes('selfHeal: true'))
        files[path] = content.replace('selfHeal: true', 'selfHeal: false');
    }
    const stream = await openStream(
      `${standIn.url}/api/v1/stream/applications?name=pr-5`,
      { token: TOKEN },
    );
    repo.commitFiles(files, 'pr-5');
    await stream.waitFor(
      m =>
        m.result.application.status.operationState?.phase === 'Succeeded' &&
        m.result.application.status.sync.status === 'Synced',
    );
    standIn.knobs.selfHealDelayMs = 50;
    standIn.knobs.driftedResources = ['pr-5/Deployment/api'];
    const app = await get('/api/v1/applications/pr-5');
    expect(app.spec.syncPolicy.automated.selfHeal).toBe(false);
    expect(app.status.sync.status).toBe('OutOfSync');
    await sleep(400);
    const later = await get('/api/v1/applications/pr-5');
    expect(later.status.sync.status).toBe('OutOfSync');
    expect(later.status.history).toHaveLength(app.status.history.length);
    stream.close();
  });
});
