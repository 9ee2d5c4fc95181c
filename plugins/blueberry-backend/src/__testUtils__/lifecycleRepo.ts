import {
  createGitopsRepository,
  git,
  GitopsRepository,
  initGitopsRepository,
  renderEnvironment,
  RenderOptions,
  writeRenderedFiles,
} from '@blueberry-idp/plugin-blueberry-node';
import type { EnvironmentSpec } from '@blueberry-idp/plugin-blueberry-common';
import {
  ChartRepository,
  exampleChartDirs,
  startChartRepository,
} from '@blueberry-idp/argocd-standin';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const RENDER_OPTIONS: RenderOptions = {
  gitops: {
    repoURL: 'https://gitlab.example.com/platform/gitops.git',
    targetRevision: 'main',
    // The shop's chart repository, and the local chart repositories of the tests.
    sourceRepos: ['https://charts.example.com/*', 'http://127.0.0.1:*'],
  },
};

const digest = (c: string) => `sha256:${c.repeat(64)}`;

/**
 * A pull-request environment of the shop, as the Create template would render it. Its backend's chart
 * is the example `shop-service`, from `chartsURL`: a LifecycleRepo's local chart repository when the
 * Argo CD stand-in is to render it.
 */
export function shopSpec(
  name: string,
  expiresAt: string | undefined,
  chartsURL = 'https://charts.example.com/shop',
): EnvironmentSpec {
  const pr = Number(/\d+/.exec(name)?.[0] ?? 1);
  return {
    name,
    app: 'shop',
    owner: 'group:default/team-shop',
    type: expiresAt ? 'pull-request' : 'long-lived',
    ...(expiresAt ? { pullRequest: pr, expiresAt } : {}),
    sourceEntity: 'component:default/shop',
    components: [
      {
        name: 'api',
        role: 'backend',
        image: `registry.example.com/shop/api@${digest('a')}`,
        chart: {
          repoURL: chartsURL,
          chart: 'shop-service',
          targetRevision: '1.4.2',
        },
      },
    ],
  };
}

/**
 * A real local GitOps repository with the renderer's environments committed, one commit each, and a
 * real local chart repository serving the example charts, so that the stand-in renders them.
 */
export class LifecycleRepo {
  readonly root: string;
  readonly path: string;
  readonly #charts: ChartRepository;

  private constructor(root: string, charts: ChartRepository) {
    this.root = root;
    this.path = path.join(root, 'gitops');
    this.#charts = charts;
  }

  /** The chart repository's URL, for shopSpec. */
  get chartsURL(): string {
    return this.#charts.url;
  }

  static async create(): Promise<LifecycleRepo> {
    const repo = new LifecycleRepo(
      await fs.mkdtemp(path.join(os.tmpdir(), 'blueberry-lifecycle-')),
      await startChartRepository({ chartDirs: exampleChartDirs() }),
    );
    await initGitopsRepository({
      path: repo.path,
      branch: 'main',
      render: RENDER_OPTIONS,
    });
    return repo;
  }

  /** The repository through the GitOps layer, as the plugin opens it from `blueberry.gitops.local`. */
  async open(): Promise<GitopsRepository> {
    return (await createGitopsRepository({
      local: { path: this.path, branch: 'main', render: RENDER_OPTIONS },
    }))!;
  }

  /**
   * Commits the rendered environment with plain git, as a merged merge request lands it: a
   * create, or with `update` a new version of it (its folder replaced).
   */
  async add(
    spec: EnvironmentSpec,
    options: { update?: boolean; message?: string } = {},
  ): Promise<void> {
    const dir = path.join(this.path, 'environments', spec.name);
    if (!options.update && (await fs.stat(dir).catch(() => undefined))) {
      throw new Error(`${spec.name} exists already`);
    }
    await fs.rm(dir, { recursive: true, force: true });
    await writeRenderedFiles(
      this.path,
      renderEnvironment(spec, RENDER_OPTIONS),
    );
    await git(this.path, ['add', '-A', '--', `environments/${spec.name}`]);
    await git(this.path, [
      'commit',
      '-q',
      '-m',
      options.message ?? `blueberry: create environment ${spec.name}`,
    ]);
  }

  /** Commit messages, newest first. */
  async log(): Promise<string[]> {
    const out = await git(this.path, ['log', '--format=%B%x00']);
    return out.stdout
      .split('\0')
      .map(m => m.trim())
      .filter(Boolean);
  }

  async environments(): Promise<string[]> {
    const out = await git(this.path, [
      'ls-tree',
      '-d',
      '--name-only',
      'HEAD',
      'environments/',
    ]);
    return out.stdout
      .split('\n')
      .filter(Boolean)
      .map(l => l.replace('environments/', ''));
  }

  async remove(): Promise<void> {
    await this.#charts.stop();
    await fs.rm(this.root, { recursive: true, force: true });
  }
}
