import { mockServices } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  filesUnder,
  fixedClock,
  makeTempDir,
  mockContext,
  outputOf,
  ownershipOver,
  SHOP_ENTITY,
  shopCreateInput,
} from '../__testUtils__/fixtures';
import {
  GitopsHostUnderTest,
  startGitopsHost,
} from '../__testUtils__/gitopsHosts';
import { createBlueberryEnvironmentCreateAction } from './createEnvironment';
import { createBlueberryEnvironmentDestroyAction } from './destroyEnvironment';
import { createBlueberryGitopsProposeAction } from './proposeGitopsChange';

jest.setTimeout(60_000);

/**
 * The GitOps repository (on the GitLab stand-in: read through the layer, no local clone) holds
 * pr-123, recorded as the shop's. The initiator owns either the shop or another entity only; every
 * refusal must leave the repository and the workspace as they were.
 */
describe('ownership is checked against the recorded source entity', () => {
  let host: GitopsHostUnderTest;
  let root: string;
  let workspace: string;
  const OTHER = 'component:default/billing';
  const asOwnerOf = (owned: string[]) => ownershipOver(host.repository, owned);
  const propose = (owned: string[]) =>
    createBlueberryGitopsProposeAction({
      repository: host.repository,
      ownership: asOwnerOf(owned).ownership,
      auth: mockServices.auth(),
    });

  beforeEach(async () => {
    host = await startGitopsHost('gitlab', { 'environments/.gitkeep': '' });
    root = await makeTempDir('ownership');
    workspace = path.join(root, 'workspace');
    await fs.mkdir(workspace);
    await createBlueberryEnvironmentCreateAction({
      render: host.render,
      clock: fixedClock,
      ownership: ownershipOver(undefined).ownership,
    }).handler(mockContext(shopCreateInput(), workspace));
    const ctx = mockContext({ environment: 'pr-123' }, workspace);
    await propose([SHOP_ENTITY]).handler(ctx);
    await host.land(outputOf<{ url?: string }>(ctx, 'change')!);
  });
  afterEach(async () => {
    await host.close();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('refuses a foreign destroy (check and removal), and allows the owner', async () => {
    const made = await host.changesMade();
    const foreign = asOwnerOf([OTHER]);
    // The template names an entity and app the caller owns: it does not matter.
    await expect(
      createBlueberryEnvironmentDestroyAction({
        ownership: foreign.ownership,
      }).handler(mockContext({ name: 'pr-123', app: 'shop' }, workspace)),
    ).rejects.toThrow(NotAllowedError);
    expect(foreign.checked).toEqual([
      `blueberry.environment.destroy ${SHOP_ENTITY}`,
    ]);
    await expect(
      propose([OTHER]).handler(
        mockContext({ environment: 'pr-123', remove: true }, workspace),
      ),
    ).rejects.toThrow(NotAllowedError);
    expect(await host.changesMade()).toBe(made);

    const ctx = mockContext({ environment: 'pr-123', remove: true }, workspace);
    await propose([SHOP_ENTITY]).handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith(
      'change',
      expect.objectContaining({ kind: 'merge-request' }),
    );
  });

  it("refuses a foreign update, even when the new input names the caller's entity", async () => {
    const foreign = asOwnerOf([OTHER]);
    const takeover = shopCreateInput({ update: true, sourceEntity: OTHER });
    const fresh = path.join(root, 'takeover');
    await fs.mkdir(fresh);
    await expect(
      createBlueberryEnvironmentCreateAction({
        render: host.render,
        clock: fixedClock,
        ownership: foreign.ownership,
      }).handler(mockContext(takeover, fresh)),
    ).rejects.toThrow(NotAllowedError);
    expect(await filesUnder(fresh)).toEqual([]);
    expect(foreign.checked).toEqual([
      `blueberry.environment.update ${SHOP_ENTITY}`,
    ]);

    // The owner may update.
    await createBlueberryEnvironmentCreateAction({
      render: host.render,
      clock: fixedClock,
      ownership: asOwnerOf([SHOP_ENTITY]).ownership,
    }).handler(mockContext(shopCreateInput({ update: true }), fresh));
    expect(await filesUnder(fresh)).toContain(
      'environments/pr-123/application.yaml',
    );
  });
});
