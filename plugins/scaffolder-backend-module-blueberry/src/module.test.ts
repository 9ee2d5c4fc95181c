import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  git,
  initGitopsRepository,
} from '@blueberry-idp/plugin-blueberry-node';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import yaml from 'yaml';
import {
  shopBackendComponent,
  shopRedisComponent,
  startTestChartRepository,
  TestChartRepository,
} from '@blueberry-idp/plugin-blueberry-node/testUtils';
import { startGitlabApiStandIn } from '@blueberry-idp/test-utils';
import { startGithubGitopsStandIn } from '@blueberry-idp/test-utils';
import { digest, makeTempDir } from './__testUtils__/fixtures';
import { readGitopsRenderOptions } from '@blueberry-idp/plugin-blueberry-node';
import { ConfigReader } from '@backstage/config';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import scaffolderModuleBlueberry from './index';
import { sleep } from '@blueberry-idp/plugin-blueberry-common';

// Real git, real files and many cases on a shared 2-core machine: allow more than the default 5 s.
jest.setTimeout(60_000);

const TEMPLATES = path.resolve(__dirname, '../../../templates');

async function readTemplate(name: string) {
  return yaml.parse(
    await fs.readFile(path.join(TEMPLATES, name, 'template.yaml'), 'utf8'),
  );
}

/** The template as the catalog holds it. */
async function catalogTemplate(name: string) {
  const template = await readTemplate(name);
  return {
    ...template,
    metadata: { ...template.metadata, namespace: 'default' },
  };
}

/** Runs a template as a user through the scaffolder's API; its status, events and output. */
async function runTemplateTask(
  server: Parameters<typeof request>[0],
  template: string,
  taskValues: Record<string, unknown>,
) {
  const created = await request(server)
    .post('/api/scaffolder/v2/tasks')
    .set('Authorization', mockCredentials.user.header())
    .send({ templateRef: `template:default/${template}`, values: taskValues });
  expect(created.status).toBe(201);
  for (;;) {
    const task = await request(server)
      .get(`/api/scaffolder/v2/tasks/${created.body.id}`)
      .set('Authorization', mockCredentials.user.header());
    if (task.body.status === 'completed' || task.body.status === 'failed') {
      const events = await request(server)
        .get(`/api/scaffolder/v2/tasks/${created.body.id}/events`)
        .set('Authorization', mockCredentials.user.header());
      const body = events.body as Array<{ type: string; body: any }>;
      return {
        status: task.body.status as string,
        events: body,
        output: body.find(e => e.type === 'completion')?.body.output as
          | {
              links?: Array<{
                title?: string;
                url?: string;
                entityRef?: string;
              }>;
            }
          | undefined,
      };
    }
    await sleep(100);
  }
}

const system = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: {
    name: 'shop',
    namespace: 'default',
    annotations: { 'blueberry.io/app': 'shop' },
  },
  spec: { owner: 'group:default/team-shop' },
};

/**
 * The template's values, every chart from `chartsUrl`: the module checks each chart's version
 * there before writing anything (blueberry.gitops.checkCharts defaults to true).
 */
const valuesOn = (chartsUrl: string) => ({
  entity: 'system:default/shop',
  name: 'pr-123',
  type: 'pull-request',
  pullRequest: 123,
  mergeRequestUrl: 'https://gitlab.example.com/shop/shop/-/merge_requests/123',
  update: false,
  components: [
    {
      ...shopBackendComponent(),
      chart: { ...shopBackendComponent().chart, repoURL: chartsUrl },
    },
    {
      ...shopRedisComponent(),
      chart: { repoURL: chartsUrl, chart: 'redis', targetRevision: '7.4.2' },
    },
    {
      name: 'storefront',
      role: 'frontend',
      image: `registry.example.com/shop/storefront@${digest('c')}`,
      host: 'pr-123.shop.example.com',
      chart: {
        repoURL: chartsUrl,
        chart: 'shop-web',
        targetRevision: '2.0.1',
      },
    },
  ],
});

// The real scaffolder backend with this module, the real templates, a real local GitOps repository.
describe('the create-environment template through the scaffolder backend', () => {
  let root: string;
  let repo: string;
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  let charts: TestChartRepository;
  let values: ReturnType<typeof valuesOn>;

  beforeAll(async () => {
    charts = await startTestChartRepository([
      { name: 'shop-service', versions: ['1.4.2'] },
      { name: 'redis', versions: ['7.4.2'] },
      { name: 'shop-web', versions: ['2.0.0', '2.0.1'] },
    ]);
    values = valuesOn(charts.url);
    root = await makeTempDir('backend');
    repo = path.join(root, 'gitops');
    const config = {
      blueberry: {
        gitops: {
          repoURL: 'https://gitlab.example.com/platform/gitops.git',
          local: { path: repo, branch: 'main' },
          sourceRepos: [charts.url],
        },
      },
      backend: { workingDirectory: path.join(root, 'work') },
    };
    await fs.mkdir(path.join(root, 'work'));
    await initGitopsRepository({
      path: repo,
      branch: 'main',
      render: readGitopsRenderOptions(new ConfigReader(config))!.render,
    });
    ({ server } = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModuleBlueberry,
        mockServices.rootConfig.factory({ data: config }),
        catalogServiceMock.factory({
          entities: [
            system,
            await catalogTemplate('create-environment'),
            await catalogTemplate('destroy-environment'),
          ],
        }),
      ],
    }));
  });

  afterAll(async () => {
    await charts?.stop();
    await fs.rm(root, { recursive: true, force: true });
  });

  const commitCount = async () =>
    Number((await git(repo, ['rev-list', '--count', 'HEAD'])).stdout.trim());

  const runTask = (taskValues: Record<string, unknown>) =>
    runTemplateTask(server, 'create-environment', taskValues);

  it('dry-runs the template and returns the rendered files, committing nothing', async () => {
    const response = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header())
      .send({
        template: await readTemplate('create-environment'),
        values,
        directoryContents: [],
      });
    expect(response.status).toBe(200);
    const paths = response.body.directoryContents
      .map((f: { path: string }) => f.path)
      .sort();
    expect(paths).toEqual([
      'environments/pr-123/application.yaml',
      'environments/pr-123/components/redis/kustomization.yaml',
      'environments/pr-123/components/redis/values.yaml',
      'environments/pr-123/components/shop-backend/kustomization.yaml',
      'environments/pr-123/components/shop-backend/values.yaml',
      'environments/pr-123/components/storefront/kustomization.yaml',
      'environments/pr-123/components/storefront/values.yaml',
      'environments/pr-123/kustomization.yaml',
      'environments/pr-123/manifests/namespace.yaml',
    ]);
    const application = yaml.parse(
      Buffer.from(
        response.body.directoryContents.find((f: { path: string }) =>
          f.path.endsWith('application.yaml'),
        ).base64Content,
        'base64',
      ).toString('utf8'),
    );
    expect(application.metadata.labels).toMatchObject({
      'blueberry.io/app': 'shop',
      'blueberry.io/owner': 'team-shop',
      'blueberry.io/pull-request': '123',
    });
    expect(application.metadata.annotations['blueberry.io/source-entity']).toBe(
      'system:default/shop',
    );
    expect(await commitCount()).toBe(1);
  });

  it('runs a real task: one commit, refused the second time, byte-identical with update', async () => {
    const first = await runTask(values);
    expect(first.status).toBe('completed');
    expect(await commitCount()).toBe(2);
    const lastCommit = (await git(repo, ['log', '-1', '--format=%B'])).stdout;
    expect(lastCommit).toContain('blueberry: create environment pr-123');
    expect(lastCommit).toContain(
      `Requested-by: ${mockCredentials.user().principal.userEntityRef}`,
    );
    expect(lastCommit.trim()).toMatch(/\nTask: [0-9a-f-]{36}$/);
    // A commit: the task links the environment's page, not a merge request.
    expect(first.output?.links).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ entityRef: 'resource:default/pr-123' }),
      ]),
    );
    expect(first.output?.links?.some(l => l.url?.includes('merge'))).toBe(
      false,
    );
    const changed = (
      await git(repo, ['show', '--name-only', '--format=', 'HEAD'])
    ).stdout
      .trim()
      .split('\n');
    expect(changed.every(file => file.startsWith('environments/pr-123/'))).toBe(
      true,
    );
    const tree = (
      await git(repo, ['rev-parse', 'HEAD:environments/pr-123'])
    ).stdout.trim();

    const again = await runTask(values);
    expect(again.status).toBe('failed');
    expect(JSON.stringify(again.events)).toMatch(/already exists/);
    expect(await commitCount()).toBe(2);

    const update = await runTask({ ...values, update: true });
    expect(update.status).toBe('completed');
    expect(await commitCount()).toBe(2);
    expect(
      (
        await git(repo, ['rev-parse', 'HEAD:environments/pr-123'])
      ).stdout.trim(),
    ).toBe(tree);
    expect((await git(repo, ['status', '--porcelain'])).stdout).toBe('');
  });

  it('refuses a chart version the chart repository lacks, in the dry run and the task, committing nothing', async () => {
    const missing = {
      ...values,
      name: 'pr-124',
      pullRequest: 124,
      components: values.components.map(c =>
        c.name === 'storefront'
          ? { ...c, chart: { ...c.chart, targetRevision: '2.1.0' } }
          : c,
      ),
    };
    const before = await commitCount();
    const message = `Component 'storefront': chart 'shop-web' has no version 2.1.0 in the chart repository ${charts.url} (nearest: 2.0.0, 2.0.1)`;

    const dryRun = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header())
      .send({
        template: await readTemplate('create-environment'),
        values: missing,
        directoryContents: [],
      });
    expect(JSON.stringify(dryRun.body)).toContain(message);
    expect(dryRun.body.directoryContents ?? []).toEqual([]);

    const task = await runTask(missing);
    expect(task.status).toBe('failed');
    expect(JSON.stringify(task.events)).toContain(message);
    expect(await commitCount()).toBe(before);
    expect(
      (await git(repo, ['ls-tree', '--name-only', 'HEAD', 'environments/']))
        .stdout,
    ).not.toContain('pr-124');
    expect((await git(repo, ['status', '--porcelain'])).stdout).toBe('');
  });

  it('runs the destroy template: the removal in one commit, read through the layer', async () => {
    const before = await commitCount();
    const task = await runTemplateTask(server, 'destroy-environment', {
      entity: 'system:default/shop',
      name: 'pr-123',
      reason: 'Merge request !123 was merged',
    });
    expect(task.status).toBe('completed');
    expect(await commitCount()).toBe(before + 1);
    const lastCommit = (await git(repo, ['log', '-1', '--format=%B'])).stdout;
    expect(lastCommit).toContain('blueberry: remove environment pr-123');
    expect(lastCommit).toContain('Reason: Merge request !123 was merged');
    expect(
      (await git(repo, ['ls-tree', '--name-only', 'HEAD', 'environments/']))
        .stdout,
    ).not.toContain('pr-123');
  });
});

// The same templates and module with the GitOps repository on a Git host, by config alone: the
// create and destroy templates open a merge (pull) request each and link it.
describe.each([['GitLab'], ['GitHub']])(
  'the templates with the GitOps repository on %s',
  host => {
    let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
    let charts: TestChartRepository;
    let values: ReturnType<typeof valuesOn>;
    let stand: {
      readFiles(): Promise<string[]>;
      merge(url: string): Promise<void>;
      stop(): Promise<void>;
      problems(): string[];
    };

    beforeAll(async () => {
      charts = await startTestChartRepository([
        { name: 'shop-service', versions: ['1.4.2'] },
        { name: 'redis', versions: ['7.4.2'] },
        { name: 'shop-web', versions: ['2.0.1'] },
      ]);
      values = valuesOn(charts.url);
      const files = { 'environments/.gitkeep': '' };
      let config: Record<string, any>;
      if (host === 'GitLab') {
        const gitlab = await startGitlabApiStandIn({
          token: 'glpat-module-test',
          project: 'platform/gitops',
          files,
        });
        config = {
          integrations: {
            gitlab: [
              {
                host: 'gitlab.example.com',
                apiBaseUrl: gitlab.url,
                token: 'glpat-module-test',
              },
            ],
          },
          blueberry: {
            gitops: {
              gitlab: {
                host: 'gitlab.example.com',
                project: 'platform/gitops',
              },
              sourceRepos: [charts.url],
            },
          },
        };
        stand = {
          readFiles: async () => [...gitlab.branches.get('main')!.keys()],
          merge: async url => gitlab.merge(Number(/(\d+)$/.exec(url)![1])),
          stop: () => gitlab.stop(),
          problems: () => [],
        };
      } else {
        const github = await startGithubGitopsStandIn({
          owner: 'platform',
          repo: 'gitops',
          files,
          token: 'ghp_module-test',
        });
        config = {
          integrations: {
            github: [
              {
                host: 'github.example.com',
                apiBaseUrl: github.url,
                token: 'ghp_module-test',
              },
            ],
          },
          blueberry: {
            gitops: {
              github: { url: 'https://github.example.com/platform/gitops' },
              sourceRepos: [charts.url],
            },
          },
        };
        stand = {
          readFiles: async () =>
            (
              await git(github.repository.gitDir, [
                'ls-tree',
                '-r',
                '--name-only',
                'main',
              ])
            ).stdout
              .trim()
              .split('\n'),
          merge: async url => {
            await github.repository.merge(Number(/(\d+)$/.exec(url)![1]));
          },
          stop: () => github.close(),
          problems: () => github.problems,
        };
      }
      ({ server } = await startTestBackend({
        features: [
          scaffolderPlugin,
          scaffolderModuleBlueberry,
          mockServices.rootConfig.factory({ data: config }),
          catalogServiceMock.factory({
            entities: [
              system,
              await catalogTemplate('create-environment'),
              await catalogTemplate('destroy-environment'),
            ],
          }),
        ],
      }));
    });

    afterAll(async () => {
      await charts?.stop();
      const problems = stand?.problems() ?? [];
      await stand?.stop();
      if (problems.length) throw new Error(problems.join('\n'));
    });

    const requestLink = (
      output: { links?: Array<{ title?: string; url?: string }> } | undefined,
    ) =>
      output?.links?.find(
        l => l.title === (host === 'GitLab' ? 'Merge request' : 'Pull request'),
      )?.url;

    it('creates by merge request, then destroys by another, each linked from the task', async () => {
      const created = await runTemplateTask(
        server,
        'create-environment',
        values,
      );
      expect(created.status).toBe('completed');
      const createUrl = requestLink(created.output);
      expect(createUrl).toMatch(
        host === 'GitLab' ? /\/-\/merge_requests\/\d+$/ : /\/pull\/\d+$/,
      );
      // Nothing is deployed before the merge.
      expect(await stand.readFiles()).not.toContain(
        'environments/pr-123/application.yaml',
      );
      await stand.merge(createUrl!);
      expect(await stand.readFiles()).toContain(
        'environments/pr-123/application.yaml',
      );

      const destroyed = await runTemplateTask(server, 'destroy-environment', {
        entity: 'system:default/shop',
        name: 'pr-123',
      });
      expect(destroyed.status).toBe('completed');
      const destroyUrl = requestLink(destroyed.output);
      expect(destroyUrl).toBeDefined();
      expect(destroyUrl).not.toBe(createUrl);
      await stand.merge(destroyUrl!);
      expect(
        (await stand.readFiles()).some(f =>
          f.startsWith('environments/pr-123/'),
        ),
      ).toBe(false);
    });
  },
);
