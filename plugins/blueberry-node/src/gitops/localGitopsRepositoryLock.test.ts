import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { git } from './git';
import { LocalGitopsRepository } from './localGitopsRepository';

// Two Node processes with real git on a shared 2-core machine.
jest.setTimeout(120_000);

const CHANGES_PER_PROCESS = 8;

/** Runs __testUtils__/proposeChangesProcess.ts in its own Node process. */
function proposeInAnotherProcess(
  repoPath: string,
  prefix: string,
): Promise<Array<{ status: string; revision: string }>> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        path.join(__dirname, '__testUtils__', 'proposeChangesProcess.ts'),
        repoPath,
        prefix,
        String(CHANGES_PER_PROCESS),
      ],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`${prefix} failed: ${stderr || error.message}`))
          : resolve(JSON.parse(stdout)),
    );
  });
}

describe('LocalGitopsRepository across processes', () => {
  let root: string;
  let repoPath: string;

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'blueberry-lock-'));
    repoPath = path.join(root, 'gitops');
    const repository = await LocalGitopsRepository.open({
      path: repoPath,
      branch: 'main',
      render: {
        gitops: { repoURL: 'file:///gitops', targetRevision: 'main' },
      },
    });
    await repository.bootstrap();
  });

  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it('lands every change when two processes commit at once: the lock file in .git takes turns', async () => {
    const [a, b] = await Promise.all([
      proposeInAnotherProcess(repoPath, 'alpha'),
      proposeInAnotherProcess(repoPath, 'beta'),
    ]);
    expect([...a, ...b].map(r => r.status)).toEqual(
      Array(2 * CHANGES_PER_PROCESS).fill('committed'),
    );
    const log = await git(repoPath, ['log', '--format=%H', 'main']);
    const onBranch = new Set(log.stdout.split('\n').filter(Boolean));
    for (const result of [...a, ...b]) {
      expect(onBranch.has(result.revision)).toBe(true);
    }
    // The bootstrap commit and one per change; nothing left behind.
    expect(onBranch.size).toBe(1 + 2 * CHANGES_PER_PROCESS);
    const status = await git(repoPath, ['status', '--porcelain']);
    expect(status.stdout).toBe('');
    await expect(
      fs.access(path.join(repoPath, '.git', 'blueberry.lock')),
    ).rejects.toThrow();
  });

  it('takes over a lock file its holder left behind when it died', async () => {
    // A pid that ran and is gone: a child that has exited.
    const deadPid = await new Promise<number>((resolve, reject) => {
      const child = execFile(process.execPath, ['-e', ''], error =>
        error ? reject(error) : resolve(child.pid!),
      );
    });
    const lockPath = path.join(repoPath, '.git', 'blueberry.lock');
    await fs.writeFile(lockPath, `${os.hostname()} ${deadPid} left-behind`);

    const [result] = await proposeInAnotherProcess(repoPath, 'gamma');
    expect(result.status).toBe('committed');
    await expect(fs.access(lockPath)).rejects.toThrow();
  });
});
