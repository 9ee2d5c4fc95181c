import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  shopBackendComponent,
  shopRedisComponent,
  shopSourceRepos,
  shopStorefrontComponent,
  testDigest,
} from '@blueberry-idp/plugin-blueberry-node/testUtils';
import { mockServices } from '@backstage/backend-test-utils';
import {
  GitopsRepository,
  readGitopsRenderOptions,
  RenderOptions,
} from '@blueberry-idp/plugin-blueberry-node';
import { EnvironmentOwnership } from '../actions/environmentOwnership';

/** The entity the test environments record as their source. */
export const SHOP_ENTITY = 'component:default/shop';

/**
 * A policy of owners: the initiator owns exactly `owned`, so a permission is ALLOW on those refs and
 * DENY on any other. `checked` lists every `permission resourceRef` asked.
 */
export function owningPermissions(owned: string[]) {
  const checked: string[] = [];
  const permissions = mockServices.permissions.mock({
    authorize: async requests =>
      requests.map(r => {
        const ref = (r as { resourceRef?: string }).resourceRef;
        checked.push(`${r.permission.name} ${ref}`);
        // AuthorizeResult.ALLOW / DENY, by value (this package does not depend on permission-common).
        return {
          result: (ref && owned.includes(ref) ? 'ALLOW' : 'DENY') as any,
        };
      }),
    // Without a resource: allowed on some entities only (the owners' policy's answer).
    authorizeConditional: async requests =>
      requests.map(() => ({
        result: 'CONDITIONAL',
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          resourceType: 'catalog-entity',
          params: { claims: ['user:default/mock'] },
        },
      })) as any,
  });
  return { permissions, checked };
}

/**
 * Ownership read from `repository` (a real one), or from a repository without environments when
 * undefined; the initiator owns `owned`.
 */
export function ownershipOver(
  repository: Pick<GitopsRepository, 'readFiles'> | undefined,
  owned: string[] = [SHOP_ENTITY],
) {
  const { permissions, checked } = owningPermissions(owned);
  return {
    ownership: new EnvironmentOwnership({
      permissions,
      repository: repository ?? { readFiles: async () => new Map() },
    }),
    checked,
  };
}

/** The moment TTLs count from in tests. */
export const FIXED_NOW = new Date('2030-01-01T12:00:00Z');
export const fixedClock = () => FIXED_NOW;

export { testDigest as digest };

/** A valid create input: the shop's pull-request environment. */
export function shopCreateInput(overrides: Record<string, unknown> = {}) {
  return {
    name: 'pr-123',
    app: 'shop',
    owner: 'group:default/team-shop',
    type: 'pull-request',
    pullRequest: 123,
    ttl: '72h',
    sourceEntity: SHOP_ENTITY,
    components: [
      shopBackendComponent(),
      shopRedisComponent(),
      shopStorefrontComponent(),
    ],
    ...overrides,
  };
}

/** A temporary folder removed after the test. */
export async function makeTempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `blueberry-${prefix}-`));
}

/** The `blueberry.gitops` of a test, with a local repository at `localPath`. */
export function testGitopsConfig(localPath: string) {
  return {
    blueberry: {
      gitops: {
        repoURL: 'https://gitlab.example.com/platform/gitops.git',
        local: { path: localPath, branch: 'main' },
        // The shop's charts, the examples' Bitnami repository, chart repositories on loopback.
        sourceRepos: [
          ...shopSourceRepos(),
          'registry-1.docker.io/bitnamicharts',
          'http://127.0.0.1:*',
        ],
      },
    },
  };
}

/** The render options of a test (`testGitopsConfig`), as the module reads them. */
export function testRenderOptions(localPath: string): RenderOptions {
  return readGitopsRenderOptions(new ConfigReader(testGitopsConfig(localPath)))!
    .render;
}

/** Every file under a folder, relative, sorted (an empty list for a missing folder). */
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

/**
 * An action context on a real workspace. The mock drops fields it does not know (isDryRun) and
 * falsy inputs, so they are set again here: the handler sees exactly `input`.
 */
export function mockContext(
  input: unknown,
  workspacePath: string,
  extra: Record<string, unknown> = {},
): ReturnType<typeof createMockActionContext<any, any>> {
  return {
    ...createMockActionContext({ workspacePath, ...extra }),
    ...extra,
    input: input as any,
  };
}

/** What an action gave as its output `name` (the last value), from a `mockContext`. */
export function outputOf<T = unknown>(
  ctx: { output: unknown },
  name: string,
): T | undefined {
  const calls = (ctx.output as jest.Mock).mock.calls as Array<[string, T]>;
  return calls.filter(([key]) => key === name).pop()?.[1];
}
