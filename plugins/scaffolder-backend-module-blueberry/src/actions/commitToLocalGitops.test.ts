import { mockCredentials } from '@backstage/backend-test-utils';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  git,
  initGitopsRepository,
} from '@blueberry-idp/plugin-blueberry-node';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  fixedClock,
  localGitopsConfig,
  makeTempDir,
  mockContext,
  shopCreateInput,
  ownershipOver,
} from '../__testUtils__/fixtures';
import {
  commitMessage,
  createBlueberryGitopsCommitAction,
} from './commitToLocalGitops';
import { createBlueberryEnvironmentCreateAction } from './createEnvironment';

// Real git, real files and many cases on a shared 2-core machine: allow more than the default 5 s.
jest.setTimeout(60_000);

describe('blueberry:gitops:commit', () => {
  let root: string;
  let workspace: string;
  let repo: string;
  let gitops: ReturnType<typeof localGitopsConfig>;
  const count = async () =>
    Number((await git(repo, ['rev-list', '--count', 'HEAD'])).stdout.trim());
  const who = { user: { ref: 'user:default/jane' }, task: { id: 'task-42' } };

  beforeEach(async () => {
    root = await makeTempDir('commit');
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
      ownership: ownershipOver(undefined).ownership,
      gitops,
      clock: fixedClock,
    }).handler(mockContext(shopCreateInput(), workspace));
  });
  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it('makes exactly one commit saying who asked, which task and why', async () => {
    const action = createBlueberryGitopsCommitAction({
      gitops,
      ownership: ownershipOver(gitops.local?.path).ownership,
    });
    const ctx = mockContext(
      { environment: 'pr-123', reason: 'Preview of !123' },
      workspace,
      who,
    );
    await action.handler(ctx);
    expect(await count()).toBe(2);
    expect((await git(repo, ['log', '-1', '--format=%B'])).stdout.trim()).toBe(
      commitMessage({
        verb: 'create',
        environment: 'pr-123',
        reason: 'Preview of !123',
        user: 'user:default/jane',
        taskId: 'task-42',
      }),
    );
    expect(
      (await git(repo, ['show', '--name-only', '--format=', 'HEAD'])).stdout
        .trim()
        .split('\n'),
    ).toEqual([
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
    expect(ctx.output).toHaveBeenCalledWith('changed', true);
  });

  it('names whom a backend service asked for (requestedBy), and only when no user started the task', async () => {
    const action = createBlueberryGitopsCommitAction({
      gitops,
      ownership: ownershipOver(gitops.local?.path).ownership,
    });
    const lastMessage = async () =>
      (await git(repo, ['log', '-1', '--format=%B'])).stdout.trim();

    // A user's task: the user is who asked, whatever requestedBy says.
    await action.handler(
      mockContext(
        { environment: 'pr-123', requestedBy: 'gitlab:mallory' },
        workspace,
        who,
      ),
    );
    expect(await lastMessage()).toContain('Requested-by: user:default/jane');

    // A task the merge request events module started as plugin:blueberry for a GitLab user.
    await action.handler(
      mockContext(
        { environment: 'pr-123', remove: true, requestedBy: 'gitlab:jane' },
        workspace,
        {
          user: undefined,
          task: { id: 'task-43' },
          getInitiatorCredentials: async () =>
            mockCredentials.service('plugin:blueberry'),
        },
      ),
    );
    expect(await lastMessage()).toContain(
      'Requested-by: gitlab:jane (through plugin:blueberry)',
    );

    // A line break would forge another trailer: refused.
    await expect(
      action.handler(
        mockContext(
          { environment: 'pr-123', requestedBy: 'x\nTask: forged' },
          workspace,
          who,
        ),
      ),
    ).rejects.toThrow(InputError);
  });

  it('refuses an existing environment without update, and commits nothing for an identical update', async () => {
    const action = createBlueberryGitopsCommitAction({
      gitops,
      ownership: ownershipOver(gitops.local?.path).ownership,
    });
    await action.handler(
      mockContext({ environment: 'pr-123' }, workspace, who),
    );
    await expect(
      action.handler(mockContext({ environment: 'pr-123' }, workspace, who)),
    ).rejects.toThrow(ConflictError);
    const ctx = mockContext(
      { environment: 'pr-123', update: true },
      workspace,
      who,
    );
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('changed', false);
    expect(await count()).toBe(2);
  });

  it('checks but commits nothing in a dry run', async () => {
    const action = createBlueberryGitopsCommitAction({
      gitops,
      ownership: ownershipOver(gitops.local?.path).ownership,
    });
    await action.handler(
      mockContext({ environment: 'pr-123' }, workspace, {
        ...who,
        isDryRun: true,
      }),
    );
    expect(await count()).toBe(1);
    await expect(
      action.handler(
        mockContext({ environment: 'pr-123', remove: true }, workspace, {
          ...who,
          isDryRun: true,
        }),
      ),
    ).rejects.toThrow(NotFoundError);
  });

  it('refuses bad input with an InputError, and a workspace without the environment', async () => {
    const action = createBlueberryGitopsCommitAction({
      gitops,
      ownership: ownershipOver(gitops.local?.path).ownership,
    });
    for (const input of [
      { environment: '../x' },
      { environment: 'pr-123', sourcePath: '../..' },
      { environment: 'pr-123', remove: 'yes' },
      { environment: 'pr-9' },
    ]) {
      await expect(
        action.handler(mockContext(input, workspace, who)),
      ).rejects.toThrow(InputError);
    }
    expect(await count()).toBe(1);
  });

  it('fails with a configuration error when no local repository is configured', async () => {
    const action = createBlueberryGitopsCommitAction({
      ownership: ownershipOver(undefined).ownership,
      gitops: { render: gitops.render },
    });
    await expect(
      action.handler(mockContext({ environment: 'pr-123' }, workspace, who)),
    ).rejects.toThrow(/blueberry.gitops.local.path/);
  });
});
