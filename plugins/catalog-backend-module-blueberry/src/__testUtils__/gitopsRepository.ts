import { EnvironmentSpec } from '@blueberry-idp/plugin-blueberry-common';
import {
  LocalGitopsRepository,
  renderEnvironment,
  RenderOptions,
  writeRenderedFiles,
} from '@blueberry-idp/plugin-blueberry-node';
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

/**
 * A real GitOps repository in a temporary folder, written by the real renderer and committed with the
 * real git CLI, exactly as the scaffolder action does in local mode.
 */
export class TestGitopsRepository {
  private constructor(
    readonly root: string,
    readonly repository: LocalGitopsRepository,
  ) {}

  static async create(): Promise<TestGitopsRepository> {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'blueberry-catalog-'));
    const repository = await LocalGitopsRepository.open({
      path: path.join(root, 'gitops'),
      branch: 'main',
      render: renderOptions,
    });
    await repository.bootstrap();
    return new TestGitopsRepository(root, repository);
  }

  get path(): string {
    return this.repository.path;
  }

  /** Renders and commits environments, one commit each. */
  async commit(...specs: EnvironmentSpec[]): Promise<void> {
    for (const spec of specs) {
      const workspace = await fs.mkdtemp(path.join(this.root, 'workspace-'));
      await writeRenderedFiles(
        workspace,
        renderEnvironment(spec, renderOptions),
      );
      await this.repository.commitEnvironment({
        environment: spec.name,
        sourceDir: path.join(workspace, 'environments', spec.name),
        update: true,
        message: `blueberry: create environment ${spec.name}`,
      });
    }
  }

  async remove(name: string): Promise<void> {
    await this.repository.removeEnvironment({
      environment: name,
      message: `blueberry: destroy environment ${name}`,
    });
  }

  async dispose(): Promise<void> {
    await fs.rm(this.root, { recursive: true, force: true });
  }
}

/** Polls `probe` until it returns a value other than undefined; fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}
