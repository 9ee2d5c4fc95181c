import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { EnvironmentSpec } from '@blueberry-idp/plugin-blueberry-common';
import { eventually } from '@blueberry-idp/test-utils';
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
import { writeClusterAdminChart } from './charts/hostileCharts';
import { TestGitRepo } from './__testUtils__/gitRepo';

/**
 * The AppProject of Blueberry's bootstrap as the stand-in enforces it, read from the GitOps
 * repository as Argo CD has it applied: real renderer output, real charts, real helm and kustomize.
 * A chart's ClusterRoleBinding fails the sync before anything is applied; an Application outside
 * the project's destinations, sources or projects is an InvalidSpecError and never synced.
 */

jest.setTimeout(60_000);

const TOKEN = 'project-token';
const PROJECT = 'blueberry-environments';
const RENDER_OPTIONS: RenderOptions = {
  gitops: {
    repoURL: 'https://gitlab.example.com/platform/gitops.git',
    targetRevision: 'main',
    sourceRepos: ['http://127.0.0.1:*'],
  },
};

function toFiles(rendered: { path: string; content: string }[]) {
  return Object.fromEntries(rendered.map(f => [f.path, f.content]));
}

describe('the AppProject, enforced as Argo CD enforces it', () => {
  let charts: ChartRepository;
  let repo: TestGitRepo;
  let standIn: ArgoCdStandIn;
  let chartParent: string;

  function environment(name: string, chart: string): EnvironmentSpec {
    return {
      name,
      app: 'shop',
      owner: 'group:default/team-shop',
      type: 'feature',
      components: [
        {
          name: 'cache',
          role: 'database',
          chart: {
            repoURL: charts.url,
            chart,
            targetRevision: chart === 'redis' ? '7.4.2' : '0.1.0',
          },
        },
      ],
    };
  }

  async function application(name: string): Promise<any> {
    const response = await fetch(`${standIn.url}/api/v1/applications/${name}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    return response.status === 200 ? response.json() : undefined;
  }

  /** The Application once `done` holds for it (polled every 25 ms, for up to 60 s on a loaded machine). */
  function until(name: string, done: (app: any) => boolean): Promise<any> {
    return eventually(
      async () => {
        const app = await application(name);
        return app && done(app) ? app : undefined;
      },
      60_000,
      `${name} to reach the expected state`,
      25,
    );
  }

  /** The environment's files with its Application edited by hand, as a hostile change would. */
  function withApplication(
    spec: EnvironmentSpec,
    edit: (application: any) => void,
  ): Record<string, string> {
    const files = toFiles(renderEnvironment(spec, RENDER_OPTIONS));
    const file = `environments/${spec.name}/application.yaml`;
    const manifest = parse(files[file]);
    edit(manifest);
    files[file] = stringify(manifest);
    return files;
  }

  beforeAll(async () => {
    chartParent = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-charts-'));
    charts = await startChartRepository({
      chartDirs: [...exampleChartDirs(), writeClusterAdminChart(chartParent)],
    });
    repo = new TestGitRepo();
    repo.commitFiles(
      toFiles(renderBootstrapFiles(RENDER_OPTIONS)),
      'Bootstrap',
    );
    standIn = await startArgoCdStandIn({
      repoPath: repo.path,
      token: TOKEN,
      waveDelayMs: 20,
      pollIntervalMs: 20,
    });
  });

  afterAll(async () => {
    await standIn?.stop();
    await charts?.stop();
    repo?.dispose();
    fs.rmSync(chartParent, { recursive: true, force: true });
  });

  it("refuses a chart with a ClusterRoleBinding: the sync fails with Argo CD's message, retries, and applies nothing", async () => {
    repo.commitFiles(
      toFiles(
        renderEnvironment(environment('takeover', 'takeover'), RENDER_OPTIONS),
      ),
      'A chart binding cluster-admin',
    );
    const retrying = await until(
      'takeover',
      app => app.status.operationState?.retryCount === 1,
    );
    expect(retrying.status.operationState.phase).toBe('Running');
    expect(retrying.status.operationState.message).toMatch(
      /^one or more synchronization tasks are not valid: resource rbac\.authorization\.k8s\.io:ClusterRoleBinding is not permitted in project blueberry-environments\. Retrying attempt #1 at \d{1,2}:\d{2}[AP]M\.$/,
    );
    const failed = await until(
      'takeover',
      app => app.status.operationState?.phase === 'Failed',
    );
    const { status } = failed;
    // The retry policy Blueberry renders: five more attempts, then Failed for good.
    expect(status.operationState.retryCount).toBe(5);
    expect(status.operationState.message).toBe(
      `one or more synchronization tasks are not valid: resource rbac.authorization.k8s.io:ClusterRoleBinding is not permitted in project ${PROJECT}`,
    );
    expect(status.operationState.syncResult.resources).toEqual([
      {
        group: 'rbac.authorization.k8s.io',
        version: 'v1',
        kind: 'ClusterRoleBinding',
        namespace: '',
        name: 'cache-cluster-admin',
        status: 'SyncFailed',
        message: `resource rbac.authorization.k8s.io:ClusterRoleBinding is not permitted in project ${PROJECT}`,
        hookPhase: '',
        syncPhase: 'Sync',
      },
    ]);
    // Nothing was applied: not the ClusterRoleBinding, not even the harmless objects beside it.
    expect(
      status.resources.map((r: any) => [r.kind, r.status, r.health?.status]),
    ).toEqual([
      ['ClusterRoleBinding', 'OutOfSync', 'Missing'],
      ['ConfigMap', 'OutOfSync', 'Missing'],
      ['Namespace', 'OutOfSync', 'Missing'],
    ]);
    expect(status.sync.status).toBe('OutOfSync');
    expect(status.health.status).toBe('Missing');
    expect(status.history ?? []).toEqual([]);
  });

  it('refuses an Application whose destination is outside the project: InvalidSpecError, never synced', async () => {
    repo.commitFiles(
      withApplication(environment('monitoring', 'redis'), app => {
        app.spec.destination.namespace = 'monitoring';
      }),
      'An Application pointing at a foreign namespace',
    );
    const app = await until('monitoring', a => Boolean(a.status.conditions));
    expect(app.status.conditions).toEqual([
      {
        type: 'InvalidSpecError',
        message: `application destination server 'https://kubernetes.default.svc' and namespace 'monitoring' do not match any of the allowed destinations in project '${PROJECT}'`,
        lastTransitionTime: expect.any(String),
      },
    ]);
    expect(app.status.sync.status).toBe('Unknown');
    expect(app.status.health.status).toBe('Unknown');
    expect(app.status.resources).toEqual([]);
    expect(app.status.operationState).toBeUndefined();
  });

  it('refuses a source repository and a project the bootstrap does not allow', async () => {
    repo.commitFiles(
      {
        ...withApplication(environment('foreign-source', 'redis'), app => {
          app.spec.source.repoURL = 'https://git.evil.example.com/charts.git';
        }),
        ...withApplication(environment('no-project', 'redis'), app => {
          app.spec.project = 'platform';
        }),
      },
      'Hand-edited Applications',
    );
    const source = await until('foreign-source', a =>
      Boolean(a.status.conditions),
    );
    expect(source.status.conditions.map((c: any) => c.message)).toEqual([
      `application repo https://git.evil.example.com/charts.git is not permitted in project '${PROJECT}'`,
    ]);
    const project = await until('no-project', a =>
      Boolean(a.status.conditions),
    );
    expect(
      project.status.conditions.map((c: any) => [c.type, c.message]),
    ).toEqual([
      [
        'InvalidSpecError',
        'Application referencing project platform which does not exist',
      ],
    ]);
    expect(project.status.operationState).toBeUndefined();
  });

  it('syncs an environment the project permits, in its own namespace', async () => {
    repo.commitFiles(
      toFiles(
        renderEnvironment(environment('cache-x', 'redis'), RENDER_OPTIONS),
      ),
      'A permitted environment',
    );
    const app = await until(
      'cache-x',
      a => a.status.operationState?.phase === 'Succeeded',
    );
    expect(app.status.conditions).toBeUndefined();
    expect([
      ...new Set(app.status.resources.map((r: any) => r.namespace || r.name)),
    ]).toEqual(['blueberry-cache-x']);
  });
});
