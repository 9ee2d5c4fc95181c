import { mockServices } from '@backstage/backend-test-utils';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { promises as fs } from 'node:fs';
import {
  fixedClock,
  makeTempDir,
  mockContext,
  outputOf,
  ownershipOver,
  SHOP_ENTITY,
  shopCreateInput,
} from '../__testUtils__/fixtures';
import {
  GitopsHostKind,
  GitopsHostUnderTest,
  startGitopsHost,
} from '../__testUtils__/gitopsHosts';
import { createBlueberryEnvironmentCreateAction } from './createEnvironment';
import { createBlueberryEnvironmentDestroyAction } from './destroyEnvironment';
import { EnvironmentOwnership } from './environmentOwnership';
import { createBlueberryGitopsProposeAction } from './proposeGitopsChange';

jest.setTimeout(60_000);

const FILES = [
  'environments/pr-123/application.yaml',
  'environments/pr-123/components/redis/kustomization.yaml',
  'environments/pr-123/components/redis/values.yaml',
  'environments/pr-123/components/shop-backend/kustomization.yaml',
  'environments/pr-123/components/shop-backend/values.yaml',
  'environments/pr-123/components/storefront/kustomization.yaml',
  'environments/pr-123/components/storefront/values.yaml',
  'environments/pr-123/kustomization.yaml',
  'environments/pr-123/manifests/namespace.yaml',
];

// The environment is read through the GitOps repository layer: no copy of it in the workspace.
describe.each<[GitopsHostKind]>([['local'], ['gitlab']])(
  'blueberry:environment:destroy on a %s GitOps repository',
  kind => {
    let host: GitopsHostUnderTest;
    let workspace: string;
    const destroy = (owned = [SHOP_ENTITY]) =>
      createBlueberryEnvironmentDestroyAction({
        ownership: ownershipOver(host.repository, owned).ownership,
      });

    beforeEach(async () => {
      host = await startGitopsHost(kind, {
        'environments/.gitkeep': '',
        // A folder Blueberry did not write.
        'environments/by-hand/application.yaml': 'kind: Application\n',
      });
      workspace = await makeTempDir('destroy');
      await createBlueberryEnvironmentCreateAction({
        render: host.render,
        ownership: ownershipOver(undefined).ownership,
        clock: fixedClock,
      }).handler(mockContext(shopCreateInput(), workspace));
      const ctx = mockContext({ environment: 'pr-123' }, workspace, {
        user: { ref: 'user:default/jane' },
      });
      await createBlueberryGitopsProposeAction({
        repository: host.repository,
        ownership: ownershipOver(host.repository).ownership,
        auth: mockServices.auth(),
      }).handler(ctx);
      await host.land(outputOf<{ url?: string }>(ctx, 'change')!);
      // The workspace copy goes: destroy must not need it.
      await fs.rm(workspace, { recursive: true, force: true });
      await fs.mkdir(workspace);
    });
    afterEach(async () => {
      await host.close();
      await fs.rm(workspace, { recursive: true, force: true });
    });

    it('lists what goes, from the repository, and changes nothing', async () => {
      const made = await host.changesMade();
      const ctx = mockContext({ name: 'pr-123', app: 'shop' }, workspace);
      await destroy().handler(ctx);
      expect(ctx.output).toHaveBeenCalledWith('files', FILES);
      expect(ctx.output).toHaveBeenCalledWith('namespace', 'blueberry-pr-123');
      expect(ctx.output).toHaveBeenCalledWith(
        'environmentPath',
        'environments/pr-123',
      );
      expect(await host.changesMade()).toBe(made);
      expect((await host.repository.readFiles('pr-123')).size).toBe(9);
    });

    it("refuses a foreign environment, another app's, one Blueberry did not write, and one that is not there", async () => {
      await expect(
        destroy(['component:default/billing']).handler(
          mockContext({ name: 'pr-123', app: 'shop' }, workspace),
        ),
      ).rejects.toThrow(NotAllowedError);
      await expect(
        destroy().handler(
          mockContext({ name: 'pr-123', app: 'billing' }, workspace),
        ),
      ).rejects.toThrow(InputError);
      // It records no source entity: only an admin may; the owner policy says CONDITIONAL.
      await expect(
        destroy().handler(mockContext({ name: 'by-hand' }, workspace)),
      ).rejects.toThrow(NotAllowedError);
      await expect(
        destroy().handler(mockContext({ name: 'pr-9' }, workspace)),
      ).rejects.toThrow(NotFoundError);
    });

    it('refuses a folder Blueberry did not write, even for an admin', async () => {
      const admin = createBlueberryEnvironmentDestroyAction({
        // Every permission granted everywhere.
        ownership: new EnvironmentOwnership({
          permissions: mockServices.permissions(),
          repository: host.repository,
        }),
      });
      await expect(
        admin.handler(mockContext({ name: 'by-hand' }, workspace)),
      ).rejects.toThrow(ConflictError);
    });

    it('refuses bad names with an InputError', async () => {
      for (const input of [{ name: '../pr-123' }, { name: 'PR' }, {}]) {
        await expect(
          destroy().handler(mockContext(input, workspace)),
        ).rejects.toThrow(InputError);
      }
    });
  },
);
