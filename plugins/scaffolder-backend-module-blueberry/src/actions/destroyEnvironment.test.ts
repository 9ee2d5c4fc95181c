import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  filesUnder,
  fixedClock,
  localGitopsConfig,
  makeTempDir,
  mockContext,
  shopCreateInput,
  ownershipOver,
} from '../__testUtils__/fixtures';
import { createBlueberryEnvironmentCreateAction } from './createEnvironment';
import { createBlueberryEnvironmentDestroyAction } from './destroyEnvironment';

describe('blueberry:environment:destroy', () => {
  let workspace: string;
  const destroy = createBlueberryEnvironmentDestroyAction({
    ownership: ownershipOver(undefined).ownership,
  });

  beforeEach(async () => {
    workspace = await makeTempDir('destroy');
    await createBlueberryEnvironmentCreateAction({
      ownership: ownershipOver(undefined).ownership,
      gitops: localGitopsConfig('/unused'),
      clock: fixedClock,
    }).handler(mockContext(shopCreateInput(), workspace));
  });
  afterEach(async () => {
    await fs.rm(workspace, { recursive: true, force: true });
  });

  it('removes the environment folder and lists what it removed', async () => {
    const ctx = mockContext({ name: 'pr-123', app: 'shop' }, workspace);
    await destroy.handler(ctx);
    expect(await filesUnder(workspace)).toEqual([]);
    expect(ctx.output).toHaveBeenCalledWith('files', [
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
  });

  it("refuses another app's environment and a folder Blueberry did not write", async () => {
    await expect(
      destroy.handler(
        mockContext({ name: 'pr-123', app: 'billing' }, workspace),
      ),
    ).rejects.toThrow(InputError);
    await fs.writeFile(
      path.join(workspace, 'environments/pr-123/application.yaml'),
      'kind: Application\n',
    );
    await expect(
      destroy.handler(mockContext({ name: 'pr-123' }, workspace)),
    ).rejects.toThrow(ConflictError);
    expect(await filesUnder(workspace)).toHaveLength(9);
  });

  it('refuses bad names and paths with an InputError', async () => {
    for (const input of [
      { name: '../pr-123' },
      { name: 'PR' },
      { name: 'pr-123', targetPath: '../..' },
      {},
    ]) {
      await expect(
        destroy.handler(mockContext(input, workspace)),
      ).rejects.toThrow(InputError);
    }
    expect(await filesUnder(workspace)).toHaveLength(9);
  });

  it('in list mode keeps the files, and needs them to be there', async () => {
    await destroy.handler(
      mockContext({ name: 'pr-123', mode: 'list' }, workspace),
    );
    expect(await filesUnder(workspace)).toHaveLength(9);
    await expect(
      destroy.handler(mockContext({ name: 'pr-9', mode: 'list' }, workspace)),
    ).rejects.toThrow(NotFoundError);
  });
});
