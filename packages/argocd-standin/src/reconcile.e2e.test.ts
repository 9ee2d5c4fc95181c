import { EnvironmentSpec } from '@blueberry-idp/plugin-blueberry-common';
import {
  RenderOptions,
  renderBootstrapFiles,
  renderEnvironment,
} from '@blueberry-idp/plugin-blueberry-node';
import { startArgoCdStandIn, ArgoCdStandIn } from './server';
import {
  ChartRepository,
  startChartRepository,
} from './charts/chartRepository';
import { exampleChartDirs } from './charts/exampleCharts';
import { TestGitRepo } from './__testUtils__/gitRepo';
import { StreamReader, openStream } from './__testUtils__/streams';

/**
 * End to end over real HTTP and a real Git repository, with the files Blueberry's real renderer
 * writes and the example charts from a real local chart repository, rendered by the real helm and
 * kustomize: commit an environment, watch its Application appear and sync wave by wave (0, 1, 2, 3)
 * to Healthy, change it, break it, then remove it and see it pruned.
 */

// Each render inflates three charts with helm and kustomize.
jest.setTimeout(60_000);

const TOKEN = 'e2e-token';
const ENV = 'pr-42';
const API_IMAGE = `registry.example.com/shop/api@sha256:${'a'.repeat(64)}`;
const RENDER_OPTIONS: RenderOptions = {
  gitops: {
    repoURL: 'https://gitlab.example.com/platform/gitops.git',
    targetRevision: 'main',
    // The local chart repository of the test, on a free port.
    sourceRepos: ['http://127.0.0.1:*'],
  },
};

function toFiles(
  rendered: { path: string; content: string }[],
): Record<string, string> {
  return Object.fromEntries(rendered.map(f => [f.path, f.content]));
}

let charts: ChartRepository;

/** The files an environment commit adds, rendered by @blueberry-idp/plugin-blueberry-node. */
function filesFor(name: string, apiImage = API_IMAGE) {
  const chart = {
    repoURL: charts.url,
    chart: 'shop-service',
    targetRevision: '1.4.2',
  };
  const spec: EnvironmentSpec = {
    name,
    app: 'shop',
    owner: 'group:default/team-shop',
    type: 'pull-request',
    pullRequest: 42,
    components: [
      {
        name: 'redis',
        role: 'database',
        chart: { repoURL: charts.url, chart: 'redis', targetRevision: '7.4.2' },
      },
      { name: 'api', role: 'backend', image: apiImage, chart },
      {
        name: 'web',
        role: 'frontend',
        image: `registry.example.com/shop/web@sha256:${'d'.repeat(64)}`,
        chart,
        host: `${name}.shop.preview.example.com`,
      },
    ],
  };
  return toFiles(renderEnvironment(spec, RENDER_OPTIONS));
}

/** The highest wave an event's sync result has reached. */
function waveReached(application: any): number {
  const waves = new Map<string, number>(
    application.status.resources.map((r: any) => [
      `${r.group ?? ''}/${r.kind}/${r.name}`,
      r.syncWave ?? 0,
    ]),
  );
  const results =
    application.status.operationState?.syncResult?.resources ?? [];
  return Math.max(
    -1,
    ...results.map(
      (r: any) => waves.get(`${r.group}/${r.kind}/${r.name}`) ?? -1,
    ),
  );
}

describe('reconciling a GitOps repository', () => {
  let repo: TestGitRepo;
  let standIn: ArgoCdStandIn;
  let stream: StreamReader;
  const events = () =>
    stream.messages
      .map(m => m.result)
      .filter(r => r.application.metadata.name === ENV);

  beforeAll(async () => {
    charts = await startChartRepository({ chartDirs: exampleChartDirs() });
    repo = new TestGitRepo();
    repo.commitFiles(
      toFiles(renderBootstrapFiles(RENDER_OPTIONS)),
      'Bootstrap',
    );
    standIn = await startArgoCdStandIn({
      repoPath: repo.path,
      token: TOKEN,
      waveDelayMs: 30,
      pollIntervalMs: 30,
    });
    stream = await openStream(
      `${standIn.url}/api/v1/stream/applications?selector=${encodeURIComponent(
        `blueberry.io/environment=${ENV}`,
      )}`,
      { token: TOKEN, sse: true },
    );
  });

  afterAll(async () => {
    stream?.close();
    await standIn?.stop();
    await charts?.stop();
    repo?.dispose();
  });

  it('syncs a committed environment wave by wave, in order, to Healthy', async () => {
    const commit = repo.commitFiles(filesFor(ENV), `Add environment ${ENV}`);
    const added = await stream.waitFor(m => m.result.type === 'ADDED');
    expect(added.result.application.metadata.name).toBe(ENV);
    expect(added.result.application.status.operationState.phase).toBe(
      'Running',
    );

    const done = await stream.waitFor(
      m => m.result.application.status.operationState?.phase === 'Succeeded',
    );
    const app = done.result.application;
    expect(app.status.health.status).toBe('Healthy');
    expect(app.status.sync).toMatchObject({
      status: 'Synced',
      revision: commit,
    });
    expect(app.metadata.labels).toMatchObject({
      'blueberry.io/environment': ENV,
      'blueberry.io/app': 'shop',
      'blueberry.io/pull-request': '42',
    });
    expect(app.status.summary.externalURLs).toEqual([
      `https://${ENV}.shop.preview.example.com`,
    ]);
    expect(app.status.summary.images).toContain(
      `registry.example.com/shop/api@sha256:${'a'.repeat(64)}`,
    );
    expect(app.status.resourceHealthSource).toBe('appTree');

    // Waves are reached in order 0, 1, 2, 3, and a wave only starts once the previous one is healthy.
    const reached = events().map(e => waveReached(e.application));
    expect([...new Set(reached)]).toEqual([0, 1, 2, 3]);
    expect(reached).toEqual([...reached].sort((a, b) => a - b));
    const unhealthyEarlierWaves = events().flatMap(event => {
      const current = waveReached(event.application);
      return event.application.status.resources.filter(
        (r: any) =>
          (r.syncWave ?? 0) < current &&
          r.health &&
          r.health.status !== 'Healthy',
      );
    });
    expect(unhealthyEarlierWaves).toEqual([]);
    // syncWave is omitted for wave 0 (omitempty), present for the others.
    const ingress = app.status.resources.find((r: any) => r.kind === 'Ingress');
    expect(ingress.syncWave).toBe(3);
    const namespace = app.status.resources.find(
      (r: any) => r.kind === 'Namespace',
    );
    expect(namespace).not.toHaveProperty('syncWave');
    // The environment's namespace is the pattern's, never its bare name.
    expect(namespace.name).toBe(`blueberry-${ENV}`);
    expect(
      new Set(
        app.status.resources
          .filter((r: any) => r.kind !== 'Namespace')
          .map((r: any) => r.namespace),
      ),
    ).toEqual(new Set([`blueberry-${ENV}`]));
    // operation state carries the run's timing
    expect(app.status.operationState.startedAt).toBeDefined();
    expect(app.status.operationState.finishedAt).toBeDefined();
    expect(app.status.operationState.syncResult.resources).toHaveLength(
      app.status.resources.length,
    );
  });

  it('serves resource health on get and in the tree, but not on list (Argo CD 3.x)', async () => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    const list = await (
      await fetch(`${standIn.url}/api/v1/applications`, { headers })
    ).json();
    const listed = list.items.find((a: any) => a.metadata.name === ENV);
    expect(listed.status.resources.some((r: any) => r.health)).toBe(false);

    const got = await (
      await fetch(`${standIn.url}/api/v1/applications/${ENV}`, { headers })
    ).json();
    expect(
      got.status.resources.find((r: any) => r.kind === 'Deployment').health
        .status,
    ).toBe('Healthy');

    const tree = await (
      await fetch(`${standIn.url}/api/v1/applications/${ENV}/resource-tree`, {
        headers,
      })
    ).json();
    const deployment = tree.nodes.find(
      (n: any) => n.kind === 'Deployment' && n.name === 'api',
    );
    const replicaSet = tree.nodes.find(
      (n: any) =>
        n.kind === 'ReplicaSet' && n.parentRefs[0].uid === deployment.uid,
    );
    const pod = tree.nodes.find(
      (n: any) => n.kind === 'Pod' && n.parentRefs[0].uid === replicaSet.uid,
    );
    expect(pod.health.status).toBe('Healthy');
    expect(
      tree.nodes.some((n: any) => n.kind === 'Endpoints' && n.name === 'api'),
    ).toBe(true);
    expect(tree.nodes.every((n: any) => !('syncWave' in n))).toBe(true);

    const root = await (
      await fetch(`${standIn.url}/api/v1/applications/blueberry-root`, {
        headers,
      })
    ).json();
    expect(root.status.resources.map((r: any) => r.name)).toEqual([ENV]);
  });

  it('runs a new sync when the values change', async () => {
    const before = stream.messages.length;
    const commit = repo.commitFiles(
      filesFor(ENV, `registry.example.com/shop/api@sha256:${'b'.repeat(64)}`),
      'New api image',
    );
    const done = await stream.waitFor(
      m =>
        stream.messages.indexOf(m) >= before &&
        m.result.application.status.sync.revision === commit &&
        m.result.application.status.operationState?.phase === 'Succeeded',
    );
    const newEvents = stream.messages.slice(before).map(m => m.result);
    expect(newEvents.every(e => e.type === 'MODIFIED')).toBe(true);
    expect(
      newEvents.some(
        e => e.application.status.operationState?.phase === 'Running',
      ),
    ).toBe(true);
    expect(done.result.application.status.summary.images).toContain(
      `registry.example.com/shop/api@sha256:${'b'.repeat(64)}`,
    );
    expect(done.result.application.status.history.length).toBe(2);
  });

  it('reports a chart that does not render as Argo CD does: a ComparisonError, and no sync', async () => {
    const before = stream.messages.length;
    const files = filesFor(ENV);
    const kustomization = `environments/${ENV}/components/api/kustomization.yaml`;
    repo.commitFiles(
      {
        [kustomization]: files[kustomization].replace(
          'version: 1.4.2',
          'version: 9.9.9',
        ),
      },
      'A chart version the repository does not have',
    );
    const flagged = await stream.waitFor(
      m =>
        stream.messages.indexOf(m) >= before &&
        Boolean(m.result.application.status.conditions),
    );
    const { status } = flagged.result.application;
    expect(status.conditions).toEqual([
      {
        type: 'ComparisonError',
        message: expect.stringMatching(
          /^failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = `kustomize build .+ --enable-helm` failed exit status 1: .*shop-service.*9\.9\.9/s,
        ),
        lastTransitionTime: expect.any(String),
      },
    ]);
    expect(status.sync.status).toBe('Unknown');
    expect(status.operationState.phase).toBe('Succeeded');
  });

  it('prunes a removed environment', async () => {
    repo.removeAndCommit(`environments/${ENV}`, `Remove environment ${ENV}`);
    const deleting = await stream.waitFor(m =>
      Boolean(m.result.application.metadata.deletionTimestamp),
    );
    expect(deleting.result.type).toBe('MODIFIED');
    const deleted = await stream.waitFor(m => m.result.type === 'DELETED');
    expect(deleted.result.application.metadata.name).toBe(ENV);
    const missing = await fetch(`${standIn.url}/api/v1/applications/${ENV}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(missing.status).toBe(404);
  });
});
