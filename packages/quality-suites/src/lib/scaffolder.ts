import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  createBlueberryEnvironmentCreateAction,
  createBlueberryEnvironmentDestroyAction,
  createBlueberryGitopsProposeAction,
  EnvironmentOwnership,
} from '@blueberry-idp/plugin-scaffolder-backend-module-blueberry';
import {
  createGitopsRepository,
  GitopsRepository,
  readGitopsRenderOptions,
  readGitopsRepositoryConfig,
  RenderOptions,
} from '@blueberry-idp/plugin-blueberry-node';
import { mockServices } from '@backstage/backend-test-utils';
import type { PermissionsService } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * createMockActionContext (and the mock logger it builds) calls `jest.fn()`. These suites run on
 * node's test runner, so they get the few members of jest's mock-function API those helpers use;
 * nothing under test is mocked by it.
 */
function installJestFnShim() {
  const g = globalThis as { jest?: unknown };
  if (g.jest) return;
  const fn = (impl?: (...args: unknown[]) => unknown) => {
    let implementation = impl;
    const mock = Object.assign(
      (...args: unknown[]) => {
        mock.mock.calls.push(args);
        return implementation?.(...args);
      },
      {
        mock: { calls: [] as unknown[][] },
        mockImplementation(next: (...args: unknown[]) => unknown) {
          implementation = next;
          return mock;
        },
        mockReturnValue(value: unknown) {
          implementation = () => value;
          return mock;
        },
        mockResolvedValue(value: unknown) {
          implementation = async () => value;
          return mock;
        },
      },
    );
    return mock;
  };
  g.jest = { fn };
}
installJestFnShim();

export const digest = (c: string) => `sha256:${c.repeat(64)}`;

/** A valid create input; hostile cases change one field of it. */
export function validCreateInput(
  name: string,
  overrides: Record<string, unknown> = {},
) {
  return {
    name,
    app: 'shop',
    owner: 'group:default/team-shop',
    type: 'pull-request',
    pullRequest: 7,
    ttl: '72h',
    sourceEntity: 'component:default/shop',
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
        // Fixed, so a hostile name is refused for the name itself and not for the host built from it.
        host: 'pr-7.shop.example.com',
      },
    ],
    ...overrides,
  };
}

/** What the actions are given: the render options and the GitOps repository, from config. */
export interface GitopsSetup {
  render: RenderOptions;
  repository: GitopsRepository;
}

/**
 * `blueberry.gitops` with a local repository, as the embedded setup configures it, read as the
 * module reads it (`readGitopsRenderOptions`, `gitopsRepositoryServiceRef`'s factory); the
 * repository is opened on first use.
 */
export function gitopsConfig(localPath: string): GitopsSetup {
  const config = new ConfigReader({
    blueberry: {
      gitops: {
        repoURL: 'https://gitlab.example.com/platform/gitops.git',
        local: { path: localPath, branch: 'main' },
        // The shop's chart repository, and chart repositories the suites serve on loopback.
        sourceRepos: ['https://charts.example.com/*', 'http://127.0.0.1:*'],
      },
    },
  });
  let opened: Promise<GitopsRepository | undefined> | undefined;
  const open = async () =>
    (await (opened ??= createGitopsRepository(
      readGitopsRepositoryConfig(config),
    )))!;
  return {
    render: readGitopsRenderOptions(config)!.render,
    repository: {
      listEnvironments: async () => (await open()).listEnvironments(),
      readFiles: async (...args) => (await open()).readFiles(...args),
      history: async (...args) => (await open()).history(...args),
      environmentChangeAt: async (...args) =>
        (await open()).environmentChangeAt(...args),
      proposeChange: async change => (await open()).proposeChange(change),
      headRevision: async () => (await open()).headRevision(),
      readEnvironments: async (...args) =>
        (await open()).readEnvironments(...args),
      openProposals: async (...args) => (await open()).openProposals(...args),
    },
  };
}

/**
 * A policy of owners: the task's initiator owns exactly `owned` (ALLOW on those entity refs, DENY on
 * any other); `checked` records every `permission resourceRef` the actions asked.
 */
export function owningPermissions(owned: string[]) {
  const checked: string[] = [];
  const permissions: PermissionsService = {
    authorize: async requests =>
      requests.map(r => {
        const ref = (r as { resourceRef?: string }).resourceRef;
        checked.push(`${r.permission.name} ${ref}`);
        return {
          result:
            ref && owned.includes(ref)
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        };
      }) as any,
    // Without a resource: allowed on some entities only (the owners' policy's answer).
    authorizeConditional: async requests =>
      requests.map(() => ({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          resourceType: 'catalog-entity',
          params: { claims: ['user:default/mock'] },
        },
      })) as any,
  };
  return { permissions, checked };
}

/** Ownership read from the GitOps repository of `gitops`, for an initiator owning `owned`. */
export function ownershipFor(gitops: GitopsSetup, owned: string[]) {
  const { permissions, checked } = owningPermissions(owned);
  return {
    ownership: new EnvironmentOwnership({
      permissions,
      repository: gitops.repository,
    }),
    checked,
  };
}

/** The shop's source entity: the hostile-input cases run as its owner. */
export const SHOP_ENTITY = 'component:default/shop';

export const createAction = (
  gitops: GitopsSetup,
  owned: string[] = [SHOP_ENTITY],
) =>
  createBlueberryEnvironmentCreateAction({
    render: gitops.render,
    ownership: ownershipFor(gitops, owned).ownership,
  });
export const destroyAction = (
  gitops: GitopsSetup,
  owned: string[] = [SHOP_ENTITY],
) =>
  createBlueberryEnvironmentDestroyAction({
    ownership: ownershipFor(gitops, owned).ownership,
  });
/** `blueberry:gitops:propose`: on the local repository of `gitops`, one commit. */
export const proposeAction = (
  gitops: GitopsSetup,
  owned: string[] = [SHOP_ENTITY],
) =>
  createBlueberryGitopsProposeAction({
    repository: gitops.repository,
    ownership: ownershipFor(gitops, owned).ownership,
    auth: mockServices.auth(),
  });

/**
 * An action context on a real workspace. The mock keeps only the fields it knows and drops falsy
 * inputs, so the input is set again: the handler sees exactly `input`.
 */
export function mockContext(input: unknown, workspacePath: string): any {
  return {
    ...createMockActionContext({ workspacePath }),
    isDryRun: false,
    input,
  };
}

/** A real git repository on disk (the GitOps repository of the embedded setup). */
export class GitRepository {
  readonly path: string;

  private constructor(repoPath: string) {
    this.path = repoPath;
  }

  static async create(prefix: string): Promise<GitRepository> {
    const repo = new GitRepository(
      await fs.mkdtemp(path.join(os.tmpdir(), prefix)),
    );
    repo.git('init', '-q', '-b', 'main');
    repo.git('config', 'user.email', 'test@example.com');
    repo.git('config', 'user.name', 'Quality suite');
    await fs.writeFile(path.join(repo.path, 'README.md'), 'GitOps\n');
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'init');
    return repo;
  }

  head(): string {
    return this.git('rev-parse', 'HEAD').trim();
  }

  /** `git status --porcelain` including untracked files: empty when the tree is clean. */
  status(): string {
    return this.git('status', '--porcelain', '--untracked-files=all').trim();
  }

  log(): string[] {
    return this.git('log', '--format=%H').trim().split('\n');
  }

  lsTree(): string[] {
    return this.git('ls-tree', '-r', '--name-only', 'HEAD').trim().split('\n');
  }

  async remove(): Promise<void> {
    await fs.rm(this.path, { recursive: true, force: true });
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.path, encoding: 'utf8' });
  }
}

/** Every file under a folder, relative and sorted; empty for a missing folder. */
export async function filesUnder(root: string, prefix = ''): Promise<string[]> {
  const entries = await fs
    .readdir(path.join(root, prefix), { withFileTypes: true })
    .catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await filesUnder(root, relative)));
    else files.push(relative);
  }
  return files.sort();
}
