import { ConflictError, InputError } from '@backstage/errors';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  filesUnder,
  fixedClock,
  testRenderOptions,
  makeTempDir,
  mockContext,
  shopCreateInput,
  ownershipOver,
} from '../__testUtils__/fixtures';
import { createBlueberryEnvironmentCreateAction } from './createEnvironment';

describe('blueberry:environment:create', () => {
  let workspace: string;
  const action = createBlueberryEnvironmentCreateAction({
    ownership: ownershipOver(undefined).ownership,
    render: testRenderOptions('/unused'),
    clock: fixedClock,
  });

  beforeEach(async () => {
    workspace = await makeTempDir('workspace');
  });
  afterEach(async () => {
    await fs.rm(workspace, { recursive: true, force: true });
  });

  it('renders the environment into the workspace and says what it wrote', async () => {
    const ctx = mockContext(shopCreateInput(), workspace);
    await action.handler(ctx);

    expect(await filesUnder(workspace)).toEqual([
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
    expect(ctx.output).toHaveBeenCalledWith('application', 'pr-123');
    expect(ctx.output).toHaveBeenCalledWith('namespace', 'blueberry-pr-123');
    expect(ctx.output).toHaveBeenCalledWith('urls', [
      'https://pr-123.shop.example.com',
    ]);
    expect(ctx.output).toHaveBeenCalledWith(
      'expiresAt',
      '2030-01-04T12:00:00Z',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'files',
      await filesUnder(workspace),
    );
    const application = parse(
      await fs.readFile(
        path.join(workspace, 'environments/pr-123/application.yaml'),
        'utf8',
      ),
    );
    // One Kustomize source: the environment's own folder of the GitOps repository.
    expect(application.spec.source).toEqual({
      path: 'environments/pr-123',
      repoURL: 'https://gitlab.example.com/platform/gitops.git',
      targetRevision: 'main',
    });
  });

  it('writes into targetPath, with the bootstrap files when asked', async () => {
    await action.handler(
      mockContext(
        shopCreateInput({ targetPath: 'gitops', bootstrap: true }),
        workspace,
      ),
    );
    expect(await filesUnder(workspace)).toEqual(
      expect.arrayContaining([
        'gitops/bootstrap/root-application.yaml',
        'gitops/bootstrap/argocd-cm.yaml',
        'gitops/environments/pr-123/application.yaml',
      ]),
    );
  });

  it('refuses an environment that exists unless update, and then replaces it byte for byte', async () => {
    await action.handler(mockContext(shopCreateInput(), workspace));
    const before = await fs.readFile(
      path.join(workspace, 'environments/pr-123/application.yaml'),
    );
    await expect(
      action.handler(mockContext(shopCreateInput(), workspace)),
    ).rejects.toThrow(ConflictError);

    await fs.mkdir(
      path.join(workspace, 'environments/pr-123/components/stale'),
    );
    await fs.writeFile(
      path.join(workspace, 'environments/pr-123/components/stale/values.yaml'),
      'old: true\n',
    );
    await action.handler(
      mockContext(shopCreateInput({ update: true }), workspace),
    );
    expect(
      await fs.readFile(
        path.join(workspace, 'environments/pr-123/application.yaml'),
      ),
    ).toEqual(before);
    // An update replaces the folder, so a component that went leaves no values file behind.
    expect(await filesUnder(workspace)).not.toContain(
      'environments/pr-123/components/stale/values.yaml',
    );
  });

  it('renders the same files in a dry run', async () => {
    const ctx = mockContext(shopCreateInput(), workspace, { isDryRun: true });
    await action.handler(ctx);
    expect(await filesUnder(workspace)).toHaveLength(9);
  });

  it('refuses a targetPath outside the workspace with an InputError and writes nothing', async () => {
    await expect(
      action.handler(
        mockContext(shopCreateInput({ targetPath: '../elsewhere' }), workspace),
      ),
    ).rejects.toThrow(InputError);
    await expect(
      action.handler(
        mockContext(shopCreateInput({ targetPath: '/etc' }), workspace),
      ),
    ).rejects.toThrow(/targetPath must be a folder inside the workspace/);
    expect(
      await filesUnder(path.dirname(workspace), path.basename(workspace)),
    ).toEqual([]);
  });

  it('fails with a configuration error, not an InputError, when the GitOps repository is not configured', async () => {
    const unconfigured = createBlueberryEnvironmentCreateAction({
      render: undefined,
      ownership: ownershipOver(undefined).ownership,
    });
    const failure = unconfigured.handler(
      mockContext(shopCreateInput(), workspace),
    );
    await expect(failure).rejects.toThrow(/blueberry.gitops.repoURL/);
    await expect(failure).rejects.not.toBeInstanceOf(InputError);
  });
});
