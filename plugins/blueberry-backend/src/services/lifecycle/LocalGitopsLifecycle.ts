import { ConflictError, NotFoundError } from '@backstage/errors';
import { environmentDir } from '@blueberry-idp/plugin-blueberry-common';
import type { EnvironmentChange } from '@blueberry-idp/plugin-blueberry-common';
import {
  git,
  gitopsCommitMessage,
  type GitopsChangeRequest,
  LocalGitopsRepository,
  removeGitopsEnvironment,
} from '@blueberry-idp/plugin-blueberry-node';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  GitopsEnvironment,
  readGitopsEnvironmentOf,
  readGitopsEnvironments,
  withExpiresAt,
} from './applicationExpiry';
import type { RollbackPublisher } from '../history/EnvironmentHistory';
import type {
  GitopsEnvironmentStore,
  TeardownPublisher,
  TeardownResult,
} from './TeardownPublisher';

/** How often a change that lost a race with another writer of the same folder is tried again. */
const ATTEMPTS = 8;
/** A lock file older than this was left by a process that died; a change takes seconds at most. */
const STALE_LOCK_MS = 120_000;
/** How long a change waits for another process's lock before giving up (ConflictError). */
const LOCK_WAIT_MS = 60_000;

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * The lifecycle of environments in a local GitOps repository (the embedded setup): reads them from
 * the branch's last commit, removes them and changes their expiry, each in one commit through
 * LocalGitopsRepository. Idempotent: removing an environment that is gone commits nothing. Changes
 * are serialised within the process and, through a lock file in `.git`, across processes (a second
 * backend on the same disk): LocalGitopsRepository stages a removal before committing it, so two
 * processes interleaving would leave a half-made change. A change that still meets git's index lock
 * (another writer, such as the scaffolder in another process) is tried again from a fresh read.
 */
export class LocalGitopsLifecycle
  implements TeardownPublisher, GitopsEnvironmentStore, RollbackPublisher
{
  readonly #repository: LocalGitopsRepository;
  // Keep reads and then commits; serialised in this process so a removal cannot slip in between.
  #queue: Promise<unknown> = Promise.resolve();

  constructor(repository: LocalGitopsRepository) {
    this.#repository = repository;
  }

  async listEnvironments(): Promise<GitopsEnvironment[]> {
    return readGitopsEnvironments(this.#repository);
  }

  async getEnvironment(name: string): Promise<GitopsEnvironment | undefined> {
    return readGitopsEnvironmentOf(this.#repository, name);
  }

  async removeEnvironment(
    request: GitopsChangeRequest,
  ): Promise<TeardownResult> {
    return this.#withRetry(async () => {
      const removal = await removeGitopsEnvironment(this.#repository, request);
      return removal.status === 'removed'
        ? { status: 'removed', change: removal.change }
        : { status: 'absent' };
    });
  }

  async setExpiry(
    request: GitopsChangeRequest & { expiresAt: Date },
  ): Promise<{ change: string }> {
    return this.#withRetry(async () => {
      const application = await this.#repository.readApplication(
        request.environment,
      );
      if (application === undefined) {
        throw new NotFoundError(
          `Environment '${request.environment}' is not in the GitOps repository`,
        );
      }
      const workspace = await fs.mkdtemp(
        path.join(os.tmpdir(), 'blueberry-keep-'),
      );
      try {
        // The environment folder as committed, with the one annotation changed.
        const archive = await git(this.#repository.path, [
          'ls-tree',
          '-r',
          '--name-only',
          'HEAD',
          '--',
          environmentDir(request.environment),
        ]);
        const prefix = `${environmentDir(request.environment)}/`;
        for (const file of archive.stdout.split('\n').filter(Boolean)) {
          const content = (
            await git(this.#repository.path, ['show', `HEAD:${file}`])
          ).stdout;
          const target = path.join(
            workspace,
            ...file.slice(prefix.length).split('/'),
          );
          await fs.mkdir(path.dirname(target), { recursive: true });
          await fs.writeFile(target, content);
        }
        await fs.writeFile(
          path.join(workspace, 'application.yaml'),
          withExpiresAt(application, request.expiresAt),
        );
        const result = await this.#repository.commitEnvironment({
          environment: request.environment,
          sourceDir: workspace,
          update: true,
          message: gitopsCommitMessage(
            `extend environment ${request.environment}`,
            request,
          ),
        });
        return { change: result.commit };
      } finally {
        await fs.rm(workspace, { recursive: true, force: true });
      }
    });
  }

  /**
   * Rollback: one commit restoring the folder to its files at `revision`, in the same queue and
   * lock as every other change. Uncommitted changes in the folder are another writer's change on
   * its way: refused at once (ConflictError), not waited for, so the caller sees the conflict.
   */
  async restoreEnvironment(
    request: GitopsChangeRequest & { revision: string; message: string },
  ): Promise<EnvironmentChange> {
    return this.#withRetry(async () => {
      const result = await this.#repository.restoreEnvironment({
        environment: request.environment,
        revision: request.revision,
        message: request.message,
      });
      return { kind: 'commit', revision: result.commit };
    }, /index\.lock/);
  }

  /** Runs one change at a time, trying again when another process held git's index lock. */
  #withRetry<T>(
    change: () => Promise<T>,
    lostRacePattern = /index\.lock|did not match any files|uncommitted changes/,
  ): Promise<T> {
    const run = async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await change();
        } catch (error) {
          const message = String((error as Error).message);
          const lostRace = lostRacePattern.test(message);
          if (!lostRace || attempt >= ATTEMPTS) throw error;
          await sleep(200 * attempt);
        }
      }
    };
    const locked = () => this.#withLockFile(run);
    const next = this.#queue.then(locked, locked);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** Holds `.git/blueberry-lifecycle.lock` (created exclusively, so one process at a time) around a change. */
  async #withLockFile<T>(change: () => Promise<T>): Promise<T> {
    const lockPath = path.join(
      this.#repository.path,
      '.git',
      'blueberry-lifecycle.lock',
    );
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        await fs.writeFile(lockPath, String(process.pid), { flag: 'wx' });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const stat = await fs.stat(lockPath).catch(() => undefined);
        if (stat && Date.now() - stat.mtimeMs > STALE_LOCK_MS) {
          await fs.rm(lockPath, { force: true });
        } else if (Date.now() > deadline) {
          throw new ConflictError(
            `Another process holds ${lockPath}; try again later`,
          );
        } else {
          await sleep(50);
        }
      }
    }
    try {
      return await change();
    } finally {
      await fs.rm(lockPath, { force: true });
    }
  }
}
