import { ConfigReader } from '@backstage/config';
import { NotAllowedError } from '@backstage/errors';
import {
  git,
  initGitopsRepository,
} from '@blueberry-idp/plugin-blueberry-node';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  filesUnder,
  fixedClock,
  localGitopsConfig,
  makeTempDir,
  mockContext,
  ownershipOver,
  SHOP_ENTITY,
  shopCreateInput,
} from '../__testUtils__/fixtures';
import { readBlueberryGitopsConfig } from '../config';
import { createBlueberryGitopsCommitAction } from './commitToLocalGitops';
import { createBlueberryEnvironmentCreateAction } from './createEnvironment';
import { createBlueberryEnvironmentDestroyAction } from './destroyEnvironment';

jest.setTimeout(60_000);

/**
 * The GitOps repository holds pr-123, recorded as the shop's. The initiator owns either the shop or
 * another entity only; every refusal must leave the repository and the workspace as they were.
 */
describe('ownership is checked against the recorded source entity', () => {
  let root: string;
  let workspace: string;
  let repo: string;
  let gitops: ReturnType<typeof localGitopsConfig>;
  const head = async () =>
    (await git(repo, ['rev-parse', 'HEAD'])).stdout.trim();

  beforeEach(async () => {
    root = await makeTempDir('ownership');
    workspace = path.join(root, 'workspace');
    repo = path.join(root, 'gitops');
    await fs.mkdir(workspace);
    gitops = localGitopsConfig(repo);
    await initGitopsRepository({
      path: repo,
      branch: 'main',
      render: gitops.render!,
    });
    await createBlueberryEnvironmentCreateAction({
      gitops,
      clock: fixedClock,
      ownership: ownershipOver(undefined).ownership,
    }).handler(mockContext(shopCreateInput(), workspace));
    await createBlueberryGitopsCommitAction({
      gitops,
      ownership: ownershipOver(repo).ownership,
    }).handler(mockContext({ environment: 'pr-123' }, workspace));
  });
  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  const asOwnerOf = (owned: string[]) => ownershipOver(repo, owned);
  const OTHER = 'component:default/billing';

  it('refuses a foreign destroy (action and local commit), and allows the owner', async () => {
    const before = await head();
    const foreign = asOwnerOf([OTHER]);
    // The template names an entity and app the caller owns: it does not matter.
    await expect(
      createBlueberryEnvironmentDestroyAction({
        ownership: foreign.ownership,
      }).handler(
        mockContext({ name: 'pr-123', app: 'shop', mode: 'remove' }, workspace),
      ),
    ).rejects.toThrow(NotAllowedError);
    await expect(
      createBlueberryGitopsCommitAction({
        gitops,
        ownership: foreign.ownership,
      }).handler(
        mockContext({ environment: 'pr-123', remove: true }, workspace),
      ),
    ).rejects.toThrow(NotAllowedError);
    expect(foreign.checked).toEqual([
      `blueberry.environment.destroy ${SHOP_ENTITY}`,
      `blueberry.environment.destroy ${SHOP_ENTITY}`,
    ]);
    expect(await head()).toBe(before);
    expect(await filesUnder(workspace)).toContain(
      'environments/pr-123/application.yaml',
    );

    const owner = asOwnerOf([SHOP_ENTITY]);
    await createBlueberryGitopsCommitAction({
      gitops,
      ownership: owner.ownership,
    }).handler(mockContext({ environment: 'pr-123', remove: true }, workspace));
    expect(await head()).not.toBe(before);
  });

  it("refuses a foreign update, even when the new input names the caller's entity", async () => {
    const before = await head();
    const foreign = asOwnerOf([OTHER]);
    const takeover = shopCreateInput({ update: true, sourceEntity: OTHER });
    const freshWorkspace = path.join(root, 'takeover');
    await fs.mkdir(freshWorkspace);
    await expect(
      createBlueberryEnvironmentCreateAction({
        gitops,
        clock: fixedClock,
        ownership: foreign.ownership,
      }).handler(mockContext(takeover, freshWorkspace)),
    ).rejects.toThrow(NotAllowedError);
    expect(await filesUnder(freshWorkspace)).toEqual([]);
    await expect(
      createBlueberryGitopsCommitAction({
        gitops,
        ownership: foreign.ownership,
      }).handler(
        mockContext({ environment: 'pr-123', update: true }, workspace),
      ),
    ).rejects.toThrow(NotAllowedError);
    expect(foreign.checked).toEqual([
      `blueberry.environment.update ${SHOP_ENTITY}`,
      `blueberry.environment.update ${SHOP_ENTITY}`,
    ]);
    expect(await head()).toBe(before);

    // The owner may update.
    const owner = asOwnerOf([SHOP_ENTITY]);
    await createBlueberryEnvironmentCreateAction({
      gitops,
      clock: fixedClock,
      ownership: owner.ownership,
    }).handler(mockContext(shopCreateInput({ update: true }), freshWorkspace));
    expect(await filesUnder(freshWorkspace)).toContain(
      'environments/pr-123/application.yaml',
    );
  });

  it('refuses local commits while a GitOps host is configured, whatever the template asks', async () => {
    const withHost = readBlueberryGitopsConfig(
      new ConfigReader({
        blueberry: {
          gitops: {
            repoURL: 'https://gitlab.example.com/platform/gitops.git',
            local: { path: repo, branch: 'main' },
            gitlab: { host: 'gitlab.example.com', project: 'platform/gitops' },
          },
        },
      }),
    );
    const before = await head();
    await expect(
      createBlueberryGitopsCommitAction({
        gitops: withHost,
        ownership: asOwnerOf([SHOP_ENTITY]).ownership,
      }).handler(
        mockContext({ environment: 'pr-123', update: true }, workspace),
      ),
    ).rejects.toThrow(
      /refused: the GitOps repository is on gitlab.example.com/,
    );
    expect(await head()).toBe(before);
  });
});
