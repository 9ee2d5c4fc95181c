import {
  ArgoCdStandIn,
  ChartRepository,
  exampleChartDirs,
  startArgoCdStandIn,
  startChartRepository,
} from '@blueberry-idp/argocd-standin';
import {
  environmentNamespace,
  type EnvironmentSpec,
  sleep,
} from '@blueberry-idp/plugin-blueberry-common';
import { startMergeRequestWorld } from './__testUtils__/backend';
import type { GitopsHost } from './__testUtils__/gitopsHost';
import { at, gitlabMergeRequestHook } from './__testUtils__/payloads';

// A real backend, real git and the stand-in reconciling over HTTP on a shared 2-core machine.
jest.setTimeout(120_000);

const TOKEN = 'standin-token-for-removal-test';
const ENV = 'pr-12';
/** Its namespace, under the default namespace pattern. */
const NAMESPACE = environmentNamespace(ENV);
const MR_URL = 'https://gitlab.example.com/shop/shop/-/merge_requests/12';

/** The shop's environment on the example charts, served by `chartsURL`, as the stand-in renders them. */
const spec = (chartsURL: string): EnvironmentSpec => ({
  name: ENV,
  app: 'shop',
  owner: 'group:default/team-shop',
  type: 'pull-request',
  pullRequest: 12,
  mergeRequestUrl: MR_URL,
  expiresAt: '2030-01-04T12:00:00Z',
  components: [
    {
      name: 'redis',
      role: 'database',
      chart: { repoURL: chartsURL, chart: 'redis', targetRevision: '7.4.2' },
    },
    {
      name: 'shop-backend',
      role: 'backend',
      image: `registry.example.com/shop/backend@sha256:${'a'.repeat(64)}`,
      chart: {
        repoURL: chartsURL,
        chart: 'shop-service',
        targetRevision: '1.4.2',
      },
    },
    {
      name: 'web',
      role: 'frontend',
      image: `registry.example.com/shop/web@sha256:${'b'.repeat(64)}`,
      host: 'pr-12.shop.preview.example.com',
      chart: {
        repoURL: chartsURL,
        chart: 'shop-service',
        targetRevision: '1.4.2',
      },
    },
  ],
});

interface ResourceRef {
  kind: string;
  namespace?: string;
  name: string;
}

/**
 * The whole retirement: GitLab reports the merge request merged through the webhook ingress, the
 * module removes the environment from the GitOps repository, and Argo CD (the stand-in, reconciling
 * that repository, asked over HTTP) prunes it: no Application, no managed resource, no tree, no
 * child under the root, and nothing left in the environment's namespace, the Namespace included.
 */
describe('after a merge request is merged, Argo CD shows nothing of its environment', () => {
  let world: Awaited<ReturnType<typeof startMergeRequestWorld>>;
  let repo: GitopsHost;
  let standIn: ArgoCdStandIn;
  let backend: typeof world.backend;
  let charts: ChartRepository;

  beforeAll(async () => {
    charts = await startChartRepository({ chartDirs: exampleChartDirs() });
    world = await startMergeRequestWorld({ specs: [spec(charts.url)] });
    ({ host: repo, backend } = world);
    standIn = await startArgoCdStandIn({
      repoPath: repo.repoPath!,
      token: TOKEN,
      waveDelayMs: 50,
      pollIntervalMs: 50,
    });
  });

  afterAll(async () => {
    await standIn?.stop();
    await world?.stop();
    await charts?.stop();
  });

  const argo = (route: string) =>
    fetch(`${standIn.url}${route}`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
  const argoJson = async (route: string) => {
    const response = await argo(route);
    expect(response.status).toBe(200);
    return response.json();
  };
  async function eventually<T>(
    read: () => Promise<T>,
    done: (value: T) => boolean,
  ): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const value = await read();
      if (done(value) || Date.now() > deadline) return value;
      await sleep(100);
    }
  }
  /** Every resource any Application (root and children) manages, as Argo CD lists them. */
  async function allManagedResources(): Promise<ResourceRef[]> {
    const list = await argoJson('/api/v1/applications');
    return list.items.flatMap(
      (app: { status?: { resources?: ResourceRef[] } }) =>
        app.status?.resources ?? [],
    );
  }

  it('is synced and Healthy with its Namespace as a managed resource before', async () => {
    const app = await eventually(
      () => argoJson(`/api/v1/applications/${ENV}`),
      a => a.status?.operationState?.phase === 'Succeeded',
    );
    expect(app.status.health.status).toBe('Healthy');
    const managed = await argoJson(
      `/api/v1/applications/${ENV}/managed-resources`,
    );
    expect(managed.items).toContainEqual(
      expect.objectContaining({ kind: 'Namespace', name: NAMESPACE }),
    );
    const tree = await argoJson(`/api/v1/applications/${ENV}/resource-tree`);
    expect(
      tree.nodes.filter((n: ResourceRef) => n.namespace === NAMESPACE).length,
    ).toBeGreaterThan(0);
    expect(await allManagedResources()).toContainEqual(
      expect.objectContaining({ kind: 'Application', name: ENV }),
    );
  });

  it('after the merge hook: no Application, tree, managed resource or Namespace of the environment', async () => {
    const response = await backend.gitlab(
      gitlabMergeRequestHook({
        iid: 12,
        action: 'merge',
        labels: [],
        updatedAt: at(30),
      }),
    );
    expect(response.status).toBe(202);
    expect(await repo.environments()).toEqual([]);

    const selector = encodeURIComponent(`blueberry.io/environment=${ENV}`);
    const listed = await eventually(
      () => argoJson(`/api/v1/applications?selector=${selector}`),
      l => (l.items ?? []).length === 0,
    );
    expect(listed.items ?? []).toEqual([]);

    for (const route of ['', '/managed-resources', '/resource-tree']) {
      expect((await argo(`/api/v1/applications/${ENV}${route}`)).status).toBe(
        404,
      );
    }
    const left = (await allManagedResources()).filter(
      r =>
        r.namespace === NAMESPACE ||
        (r.kind === 'Namespace' && r.name === NAMESPACE) ||
        (r.kind === 'Application' && r.name === ENV),
    );
    expect(left).toEqual([]);
    // The root app-of-apps is still there, now without the child.
    const root = await argoJson('/api/v1/applications/blueberry-root');
    expect(root.metadata.name).toBe('blueberry-root');
  });
});
