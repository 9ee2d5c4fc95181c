import { ConflictError } from '@backstage/errors';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  exampleRenderOptions,
  shopPullRequestSpec,
} from '../__fixtures__/shopEnvironment';
import { renderEnvironment } from '../render/renderEnvironment';
import { initGitopsRepository } from './initGitopsRepository';
import { listFiles, writeRenderedFiles } from './files';
import { git } from './git';
import type { GitopsChange } from './GitopsRepository';
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
  const request = {
    reason: 'merge request !123 opened',
    requestedBy: 'user:default/jane',
    task: 'test',
  };
  /** pr-123 as the workspace holds it, proposed as the propose action does. */
  const create = async (): Promise<GitopsChange> => {
    const folder = path.join(workspace, 'environments/pr-123');
    return {
      environment: 'pr-123',
      kind: 'create',
      summary: 'create environment pr-123',
      request,
      files: await Promise.all(
        (
          await listFiles(folder)
        ).map(async file => ({
          path: `environments/pr-123/${file}`,
          content: await fs.readFile(path.join(folder, file)),
        })),
      ),
    };
  };
  /** The removal of pr-123: every file of its folder deleted. */
  const removal = async (
    repository: LocalGitopsRepository,
  ): Promise<GitopsChange> => ({
    environment: 'pr-123',
    kind: 'remove',
    summary: 'remove environment pr-123',
    request,
    files: [...(await repository.readFiles('pr-123')).keys()].map(p => ({
      path: p,
      content: null,
    })),
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

    await expect(repository.proposeChange(await create())).rejects.toThrow(
      /refused by policy/,
    );
    expect((await git(repoPath, ['status', '--porcelain'])).stdout).toBe('');
    expect(await commitCount()).toBe(1);

    await fs.rm(hook);
    await expect(
      repository.proposeChange(await create()),
    ).resolves.toMatchObject({ status: 'committed' });

    // A refused removal puts the environment back as it was.
    await fs.writeFile(hook, '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    await expect(
      repository.proposeChange(await removal(repository)),
    ).rejects.toThrow();
    expect((await git(repoPath, ['status', '--porcelain'])).stdout).toBe('');
    expect(await repository.listEnvironments()).toEqual(['pr-123']);
    await expect(
      fs.access(path.join(repoPath, 'environments/pr-123/application.yaml')),
    ).resolves.toBeUndefined();
  });

  it('lists the environments of the last commit and reads their files; a removal leaves none of their files on the disk', async () => {
    const repository = await LocalGitopsRepository.open(options());
    // Before the first commit: nothing, and no error.
    expect(await repository.listEnvironments()).toEqual([]);
    expect((await repository.readFiles('pr-123')).size).toBe(0);
    await initGitopsRepository(options());
    const created = await repository.proposeChange(await create());
    expect(created.status).toBe('committed');
    expect(await commitCount()).toBe(2);
    expect(await repository.listEnvironments()).toEqual(['pr-123']);
    expect(
      (await repository.readFiles('pr-123'))
        .get('environments/pr-123/application.yaml')
        ?.toString('utf8'),
    ).toBe(
      await fs.readFile(
        path.join(workspace, 'environments/pr-123/application.yaml'),
        'utf8',
      ),
    );
    expect((await repository.readFiles('pr-99')).size).toBe(0);

    // Uncommitted files in the folder are another change on its way: refused, nothing committed.
    const stray = path.join(repoPath, 'environments/pr-123/stray.yaml');
    await fs.writeFile(stray, 'a: 1\n');
    await expect(
      repository.proposeChange(await removal(repository)),
    ).rejects.toThrow(ConflictError);
    expect(await commitCount()).toBe(2);
    await fs.rm(stray);

    await repository.proposeChange(await removal(repository));
    expect(await commitCount()).toBe(3);
    expect(await repository.listEnvironments()).toEqual([]);
    expect((await repository.readFiles('pr-123')).size).toBe(0);
    // None of its files is left in the working tree (git keeps no empty folder).
    expect(await listFiles(path.join(repoPath, 'environments/pr-123'))).toEqual(
      [],
    );
    expect((await git(repoPath, ['status', '--porcelain'])).stdout).toBe('');
  });
});
