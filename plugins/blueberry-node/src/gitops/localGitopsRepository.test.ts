import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  exampleRenderOptions,
  shopPullRequestSpec,
} from '../__fixtures__/shopEnvironment';
import { renderEnvironment } from '../render/renderEnvironment';
import { initGitopsRepository } from './initGitopsRepository';
import { writeRenderedFiles } from './files';
import { git } from './git';
import { LocalGitopsRepository } from './localGitopsRepository';

// Real git, real files and many cases on a shared 2-core machine: allow more than the default 5 s.
jest.setTimeout(60_000);

describe('LocalGitopsRepository', () => {
  let root: string;
  let repoPath: string;
  let workspace: string;
  const options = () => ({
    path: repoPath,
    branch: 'main',
    render: exampleRenderOptions,
  });
  const commitCount = async () =>
    Number(
      (await git(repoPath, ['rev-list', '--count', 'HEAD'])).stdout.trim(),
    );

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'blueberry-gitops-'));
    repoPath = path.join(root, 'gitops');
    workspace = path.join(root, 'workspace');
    await writeRenderedFiles(
      workspace,
      renderEnvironment(shopPullRequestSpec, exampleRenderOptions),
    );
  });

  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it('initialises a repository once: a second run commits nothing', async () => {
    const first = await initGitopsRepository(options());
    const second = await initGitopsRepository(options());
    expect(first.changed).toBe(true);
    expect(second).toMatchObject({ changed: false, commit: first.commit });
    expect(
      (await git(repoPath, ['ls-files'])).stdout.split('\n').filter(Boolean),
    ).toEqual([
      'bootstrap/appproject-environments.yaml',
      'bootstrap/appproject-root.yaml',
      'bootstrap/argocd-cm.yaml',
      'bootstrap/root-application.yaml',
      'environments/.gitkeep',
    ]);
    expect(
      (await git(repoPath, ['symbolic-ref', '--short', 'HEAD'])).stdout.trim(),
    ).toBe('main');
  });

  it('commits an environment in exactly one commit, refuses it again, and updates it in place', async () => {
    await initGitopsRepository(options());
    const repository = await LocalGitopsRepository.open(options());
    const sourceDir = path.join(workspace, 'environments/pr-123');
    const message =
      'blueberry: create environment pr-123\n\nRequested-by: user:default/jane';

    const created = await repository.commitEnvironment({
      environment: 'pr-123',
      sourceDir,
      update: false,
      message,
    });
    expect(created.changed).toBe(true);
    expect(await commitCount()).toBe(2);
    expect(
      (await git(repoPath, ['show', '--name-only', '--format=%B', 'HEAD']))
        .stdout,
    ).toContain('Requested-by: user:default/jane');
    expect(await repository.environmentExists('pr-123')).toBe(true);

    await expect(
      repository.commitEnvironment({
        environment: 'pr-123',
        sourceDir,
        update: false,
        message,
      }),
    ).rejects.toThrow(ConflictError);

    const updated = await repository.commitEnvironment({
      environment: 'pr-123',
      sourceDir,
      update: true,
      message,
    });
    expect(updated).toMatchObject({ changed: false, commit: created.commit });
    expect(await commitCount()).toBe(2);
  });

  it('puts missing bootstrap files into the same single commit', async () => {
    const repository = await LocalGitopsRepository.open(options());
    await repository.commitEnvironment({
      environment: 'pr-123',
      sourceDir: path.join(workspace, 'environments/pr-123'),
      update: false,
      message: 'create',
    });
    expect(await commitCount()).toBe(1);
    expect((await git(repoPath, ['ls-files', 'bootstrap'])).stdout).toContain(
      'root-application.yaml',
    );
  });

  it('leaves nothing behind when git refuses a commit, so a retry goes through', async () => {
    await initGitopsRepository(options());
    const repository = await LocalGitopsRepository.open(options());
    const hook = path.join(repoPath, '.git/hooks/pre-commit');
    await fs.writeFile(
      hook,
      '#!/bin/sh\necho refused by policy >&2\nexit 1\n',
      {
        mode: 0o755,
      },
    );
    const create = () =>
      repository.commitEnvironment({
        environment: 'pr-123',
        sourceDir: path.join(workspace, 'environments/pr-123'),
        update: false,
        message: 'create',
      });

    await expect(create()).rejects.toThrow(/refused by policy/);
    expect((await git(repoPath, ['status', '--porcelain'])).stdout).toBe('');
    expect(await commitCount()).toBe(1);

    await fs.rm(hook);
    await expect(create()).resolves.toMatchObject({ changed: true });

    // A refused removal puts the environment back as it was.
    await fs.writeFile(hook, '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    await expect(
      repository.removeEnvironment({
        environment: 'pr-123',
        message: 'remove',
      }),
    ).rejects.toThrow();
    expect((await git(repoPath, ['status', '--porcelain'])).stdout).toBe('');
    expect(await repository.environmentExists('pr-123')).toBe(true);
    await expect(
      fs.access(path.join(repoPath, 'environments/pr-123/application.yaml')),
    ).resolves.toBeUndefined();
  });

  it('removes an environment in one commit, and says NotFound when it is not there', async () => {
    await initGitopsRepository(options());
    const repository = await LocalGitopsRepository.open(options());
    await repository.commitEnvironment({
      environment: 'pr-123',
      sourceDir: path.join(workspace, 'environments/pr-123'),
      update: false,
      message: 'create',
    });
    await repository.removeEnvironment({
      environment: 'pr-123',
      message: 'remove',
    });
    expect(await commitCount()).toBe(3);
    expect(await repository.environmentExists('pr-123')).toBe(false);
    await expect(
      fs.access(path.join(repoPath, 'environments/pr-123')),
    ).rejects.toThrow();
    await expect(
      repository.removeEnvironment({
        environment: 'pr-123',
        message: 'remove',
      }),
    ).rejects.toThrow(NotFoundError);
  });

  it('lists the environments of the last commit and reads their application.yaml', async () => {
    const repository = await LocalGitopsRepository.open(options());
    expect(await repository.listEnvironments()).toEqual([]);
    expect(await repository.readApplication('pr-123')).toBeUndefined();
    await initGitopsRepository(options());
    await repository.commitEnvironment({
      environment: 'pr-123',
      sourceDir: path.join(workspace, 'environments/pr-123'),
      update: false,
      message: 'create',
    });
    expect(await repository.listEnvironments()).toEqual(['pr-123']);
    expect(await repository.readApplication('pr-123')).toBe(
      await fs.readFile(
        path.join(workspace, 'environments/pr-123/application.yaml'),
        'utf8',
      ),
    );
    expect(await repository.readApplication('pr-99')).toBeUndefined();
    await repository.removeEnvironment({
      environment: 'pr-123',
      message: 'remove',
    });
    expect(await repository.listEnvironments()).toEqual([]);
    expect(await repository.readApplication('pr-123')).toBeUndefined();
  });

  it('refuses a workspace folder without a rendered environment, and symbolic links in one', async () => {
    const repository = await LocalGitopsRepository.open(options());
    await expect(
      repository.commitEnvironment({
        environment: 'pr-9',
        sourceDir: path.join(workspace, 'nothing'),
        update: false,
        message: 'x',
      }),
    ).rejects.toThrow(InputError);
    const sourceDir = path.join(workspace, 'environments/pr-123');
    await fs.symlink(
      '/etc/passwd',
      path.join(sourceDir, 'components/redis/stolen.yaml'),
    );
    await expect(
      repository.commitEnvironment({
        environment: 'pr-123',
        sourceDir,
        update: false,
        message: 'x',
      }),
    ).rejects.toThrow(/symbolic link/);
    expect(await repository.head()).toBeUndefined();
  });
});
