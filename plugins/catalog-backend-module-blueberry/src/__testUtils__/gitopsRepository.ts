import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { EnvironmentSpec } from '@blueberry-idp/plugin-blueberry-common';
import {
  createGitopsRepository,
  GitopsChangeResult,
  GitopsRepository,
  LocalGitopsRepository,
  renderEnvironment,
  readGitopsRepositoryConfig,
  RenderOptions,
} from '@blueberry-idp/plugin-blueberry-node';
import { startGitlabApiStandIn } from '@blueberry-idp/test-utils';
import { startGithubGitopsStandIn } from '@blueberry-idp/test-utils';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const digest = (c: string) => `sha256:${c.repeat(64)}`;

export const renderOptions: RenderOptions = {
  gitops: {
    repoURL: 'https://gitlab.example.com/platform/gitops.git',
    targetRevision: 'main',
    sourceRepos: [
      'https://charts.example.com/*',
      'registry-1.docker.io/bitnamicharts',
    ],
  },
};

/** A pull-request environment of the shop, as the "Create environment" template would ask for it. */
export function shopEnvironment(
  name: string,
  overrides: Partial<EnvironmentSpec> = {},
): EnvironmentSpec {
  const pr = Number(name.replace(/\D/g, '')) || 1;
  return {
    name,
    app: 'shop',
    owner: 'group:default/team-shop',
    type: 'pull-request',
    pullRequest: pr,
    mergeRequestUrl: `https://gitlab.example.com/shop/shop/-/merge_requests/${pr}`,
    expiresAt: '2030-01-04T12:00:00Z',
    sourceEntity: 'system:default/shop',
    components: [
      {
        name: 'shop-backend',
        role: 'backend',
        image: `registry.example.com/shop/backend@${digest('a')}`,
        chart: {
          repoURL: 'https://charts.example.com/shop',
          chart: 'shop-service',
          targetRevision: '1.4.2',
        },
        host: `api-${name}.shop.example.com`,
      },
      {
        name: 'redis',
        role: 'database',
        image: `docker.io/library/redis:7.4@${digest('b')}`,
        chart: {
          repoURL: 'registry-1.docker.io/bitnamicharts',
          chart: 'redis',
          targetRevision: '20.6.2',
        },
      },
      {
        name: 'storefront',
        role: 'frontend',
        image: `registry.example.com/shop/storefront@${digest('c')}`,
        chart: {
          repoURL: 'https://charts.example.com/shop',
          chart: 'web',
          targetRevision: '2.0.0',
        },
        host: `${name}.shop.example.com`,
      },
    ],
    ...overrides,
  };
}

/** Where the test's GitOps repository lives: what the catalog module is configured to read. */
export type GitopsHostKind = 'local' | 'gitlab' | 'github';

/**
 * A GitOps repository the catalog module reads, on one of the three hosts: a real local git
 * repository, the GitLab API stand-in, or the GitHub API stand-in (a real git repository behind
 * GitHub's REST API, checked against GitHub's OpenAPI description). Environments are rendered by
 * the real renderer and land through the repository layer, as the scaffolder's do: a commit
 * locally, a merged merge or pull request on a Git host.
 */
export class TestGitopsHost {
  private constructor(
    readonly kind: GitopsHostKind,
    /** The `integrations` and `blueberry.gitops` config that points the backend at it. */
    readonly config: JsonObject,
    readonly repository: GitopsRepository,
    private readonly land: (result: GitopsChangeResult) => Promise<void>,
    /** What the entity's location annotation is for a repository file. */
    readonly location: (repositoryPath: string) => string,
    /** Requests the GitHub stand-in saw that GitHub's description does not allow. */
    readonly problems: () => string[],
    private readonly close: () => Promise<void>,
  ) {}

  static async start(kind: GitopsHostKind): Promise<TestGitopsHost> {
    const files = { 'environments/.gitkeep': '' };
    if (kind === 'gitlab') {
      const token = 'glpat-catalog-token';
      const project = 'platform/gitops';
      const gitlab = await startGitlabApiStandIn({ token, project, files });
      const config = {
        integrations: {
          gitlab: [
            {
              host: 'gitlab.example.com',
              apiBaseUrl: gitlab.url,
              baseUrl: gitlab.url.replace(/\/api\/v4$/, ''),
              token,
            },
          ],
        },
        blueberry: {
          gitops: { gitlab: { host: 'gitlab.example.com', project } },
        },
      };
      return new TestGitopsHost(
        kind,
        config,
        await clientOf(config),
        async result => {
          if (result.url) gitlab.merge(Number(/(\d+)$/.exec(result.url)![1]));
        },
        p =>
          `url:${gitlab.url.replace(
            /\/api\/v4$/,
            '',
          )}/platform/gitops/-/blob/main/${p}`,
        () => [],
        () => gitlab.stop(),
      );
    }
    if (kind === 'github') {
      const token = 'ghp_catalog-token';
      const github = await startGithubGitopsStandIn({
        owner: 'platform',
        repo: 'gitops',
        files,
        token,
      });
      const integration = {
        host: 'github.example.com',
        apiBaseUrl: github.url,
        token,
      };
      const config = {
        integrations: { github: [integration] },
        blueberry: {
          gitops: {
            github: {
              host: 'github.example.com',
              owner: 'platform',
              repo: 'gitops',
            },
          },
        },
      };
      return new TestGitopsHost(
        kind,
        config,
        await clientOf(config),
        async result => {
          if (result.url) {
            await github.repository.merge(
              Number(/(\d+)$/.exec(result.url)![1]),
            );
          }
        },
        p => `url:https://github.example.com/platform/gitops/blob/main/${p}`,
        () => github.problems,
        () => github.close(),
      );
    }
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'blueberry-catalog-'));
    const repository = await LocalGitopsRepository.open({
      path: path.join(root, 'gitops'),
      branch: 'main',
      render: renderOptions,
    });
    await repository.bootstrap();
    return new TestGitopsHost(
      kind,
      {
        blueberry: {
          gitops: { local: { path: repository.path, branch: 'main' } },
        },
      },
      repository,
      async () => undefined,
      p => `file:${repository.path}/${p}`,
      () => [],
      () => fs.rm(root, { recursive: true, force: true }),
    );
  }

  /** Renders environments and lands each, one change each. */
  async commit(...specs: EnvironmentSpec[]): Promise<void> {
    for (const spec of specs) {
      await this.#change(
        spec.name,
        'create',
        renderEnvironment(spec, renderOptions),
      );
    }
  }

  /** Lands the removal of an environment's folder. */
  async remove(name: string): Promise<void> {
    const files = await this.repository.readFiles(name);
    await this.#change(
      name,
      'remove',
      [...files.keys()].map(p => ({ path: p, content: null })),
    );
  }

  async dispose(): Promise<void> {
    await this.close();
  }

  async #change(
    environment: string,
    kind: string,
    files: Array<{ path: string; content: string | null }>,
  ) {
    const result = await this.repository.proposeChange({
      environment,
      kind,
      summary: `${kind} environment ${environment}`,
      request: {
        reason: 'catalog test',
        requestedBy: 'user:default/jane',
        task: 'catalog-test',
      },
      files,
    });
    await this.land(result);
  }
}

/** The repository layer's client for the config, as the backend builds it. */
async function clientOf(config: JsonObject): Promise<GitopsRepository> {
  return (await createGitopsRepository(
    readGitopsRepositoryConfig(new ConfigReader(config)),
  ))!;
}
