import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  BoundedMap,
  environmentDir,
  KeyedQueue,
} from '@blueberry-idp/plugin-blueberry-common';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { renderBootstrapFiles } from '../render/bootstrap';
import { RenderOptions } from '../render/types';
import { exists, resolveRepositoryPath, writeRenderedFiles } from './files';
import { withFileLock } from './fileLock';
import { git } from './git';
import { changeText, checkChange, planChange } from './gitopsChange';
import type {
  GitopsChange,
  GitopsChangeResult,
  GitopsEnvironmentsQuery,
  GitopsOpenProposal,
  GitopsRepository,
} from './GitopsRepository';
import {
  GIT_LOG_FORMAT,
  GitopsHistoryPage,
  GitopsHistoryQuery,
  MAX_DIFF_BYTES,
  parseGitLog,
} from './gitopsHistory';
import {
  environmentFolder,
  environmentsOfTree,
  FULL_SHA,
  requireFullSha,
} from './revisions';

/** How many "which folder commit was this revision" answers are remembered; they never change. */
const REVISION_CACHE_SIZE = 5000;
/** How many history pages are remembered (each at most its limit times MAX_DIFF_BYTES of diff). */
const PAGE_CACHE_SIZE = 64;

/** @public */
export interface LocalGitopsRepositoryOptions {
  /** The repository's folder (absolute). */
  path: string;
  /** The branch environments are committed to, such as `main`. */
  branch: string;
  /** What the bootstrap files name (the repository URL Argo CD uses, its namespace). */
  render: RenderOptions;
}

/** @public */
export interface CommitResult {
  /** The commit that holds the change, or the unchanged head when there was nothing to commit. */
  commit: string;
  /** False when the repository already held exactly these files. */
  changed: boolean;
  /** The files the change wrote or deleted, relative to the repository root. */
  files: string[];
}

// One operation at a time per repository in this process (then the lock file, across processes);
// git's index lock would fail the other.
const changesByRepository = new KeyedQueue();

/** The lock file in the repository's git folder that every process changing it takes. */
const LOCK_FILE = 'blueberry.lock';

/**
 * A GitOps repository on the local disk, the embedded stand-in for the merge request a production
 * setup opens: each change to an environment is one commit on the configured branch, made with the
 * real git CLI. Used by `blueberry:gitops:propose` (through the layer), the start script and the tests.
 *
 * @public
 */
export class LocalGitopsRepository implements GitopsRepository {
  readonly #options: LocalGitopsRepositoryOptions;
  readonly #lockPath: string;
  readonly #changeAt = new BoundedMap<string, string | null>(
    REVISION_CACHE_SIZE,
  );
  // Pages by folder, first commit and size: a commit's ancestors never change, so neither does a page.
  readonly #pages = new BoundedMap<string, GitopsHistoryPage>(PAGE_CACHE_SIZE);

  private constructor(options: LocalGitopsRepositoryOptions, gitDir: string) {
    this.#options = options;
    this.#lockPath = path.join(gitDir, LOCK_FILE);
  }

  /** Opens the repository, creating an empty one on the branch if the folder holds none. */
  static async open(
    options: LocalGitopsRepositoryOptions,
  ): Promise<LocalGitopsRepository> {
    const repoPath = path.resolve(options.path);
    await fs.mkdir(repoPath, { recursive: true });
    if (!(await exists(path.join(repoPath, '.git')))) {
      await git(repoPath, ['init', '-q', '-b', options.branch]);
    }
    const gitDir = await git(repoPath, ['rev-parse', '--absolute-git-dir']);
    return new LocalGitopsRepository(
      { ...options, path: repoPath },
      gitDir.stdout.trim(),
    );
  }

  get path(): string {
    return this.#options.path;
  }

  /** The commit the branch points at, or undefined before the first commit. */
  async head(): Promise<string | undefined> {
    const result = await git(
      this.path,
      ['rev-parse', '--verify', '-q', 'HEAD'],
      {
        allowExitCodes: [1],
      },
    );
    return result.exitCode === 0 ? result.stdout.trim() : undefined;
  }

  /**
   * The commit the followed branch points at. NotFoundError before the branch's first commit.
   */
  async headRevision(): Promise<string> {
    // The refs/heads/ prefix keeps a branch name from ever being read as an option.
    const result = await git(
      this.path,
      [
        'rev-parse',
        '--verify',
        '-q',
        `refs/heads/${this.#options.branch}^{commit}`,
      ],
      { allowExitCodes: [1, 128] },
    );
    if (result.exitCode !== 0) {
      throw new NotFoundError(
        `The GitOps repository at ${this.path} has no commit on branch '${
          this.#options.branch
        }' yet`,
      );
    }
    return result.stdout.trim();
  }

  /** The environments in the branch's last commit: the folders under `environments/`. */
  async listEnvironments(): Promise<string[]> {
    if (!(await this.head())) return [];
    const tree = await git(this.path, [
      'ls-tree',
      '-d',
      '--name-only',
      'HEAD',
      'environments/',
    ]);
    return tree.stdout
      .split('\n')
      .map(line => line.trim().replace(/^environments\//, ''))
      .filter(Boolean);
  }

  /**
   * The commits on the branch that touched `environments/<env>/`, newest first, a page at a time:
   * the files each changed (renames within the folder followed, removals shown) and the unified
   * diff of the folder's files. One `git log` per page not read before; a page read before costs
   * only the look-up of the branch's head.
   */
  async history(
    environment: string,
    query: GitopsHistoryQuery,
  ): Promise<GitopsHistoryPage> {
    const dir = environmentFolder(environment);
    const start = query.cursor ?? (await this.head());
    if (!start) return { commits: [] };
    if (!FULL_SHA.test(start)) {
      throw new InputError(`cursor '${start}' is not a full commit SHA`);
    }
    const key = `${dir}\n${start}\n${query.limit}`;
    const cached = this.#pages.get(key);
    if (cached) return cached;
    const page = await this.#readHistory(dir, start, query.limit);
    this.#pages.set(key, page);
    return page;
  }

  async #readHistory(
    dir: string,
    start: string,
    limit: number,
  ): Promise<GitopsHistoryPage> {
    const result = await git(
      this.path,
      [
        '-c',
        'core.quotePath=false',
        'log',
        `-n${limit + 1}`,
        ...GIT_LOG_FORMAT,
        start,
        '--',
        `${dir}/`,
      ],
      { allowExitCodes: [128] },
    );
    if (result.exitCode !== 0) {
      throw new InputError(
        `cursor '${start}' is not a commit of the GitOps repository`,
      );
    }
    const commits = parseGitLog(result.stdout, MAX_DIFF_BYTES);
    if (commits.length <= limit) return { commits };
    return {
      commits: commits.slice(0, limit),
      nextCursor: commits[limit].revision,
    };
  }

  /**
   * The newest commit touching `environments/<env>/` at or before `revision` (what Argo CD reports
   * as synced is the branch's head then, which may be another environment's commit); undefined when
   * the repository does not have `revision`. Remembered, since the answer never changes.
   */
  async environmentChangeAt(
    environment: string,
    revision: string,
  ): Promise<string | undefined> {
    const dir = environmentFolder(environment);
    if (!FULL_SHA.test(revision)) return undefined;
    const key = `${dir}\n${revision}`;
    let found = this.#changeAt.get(key);
    if (found === undefined) {
      const result = await git(
        this.path,
        ['log', '-n1', '--format=%H', revision, '--', `${dir}/`],
        { allowExitCodes: [128] },
      );
      found = result.exitCode === 0 ? result.stdout.trim() || null : null;
      this.#changeAt.set(key, found);
    }
    return found ?? undefined;
  }

  /**
   * The files of `environments/<env>/` at `revision` (default: the branch's head) as a map from
   * repository path to content (bytes, as committed); empty when the folder held nothing then.
   */
  async readFiles(
    environment: string,
    at?: string,
  ): Promise<Map<string, Buffer>> {
    const dir = environmentFolder(environment);
    const revision = at ?? (await this.head());
    if (revision === undefined) return new Map();
    requireFullSha(revision);
    const blobs = await this.#blobs(revision, `${dir}/`);
    const contents = await catFiles(this.path, [...blobs.values()]);
    const files = new Map<string, Buffer>();
    for (const [file, oid] of blobs) files.set(file, contents.get(oid)!);
    return files;
  }

  /**
   * Every environment at `revision` (default: the branch's head) with the files `filter` keeps:
   * one `git ls-tree -r` over `environments/` and one `git cat-file --batch` for the kept blobs.
   */
  async readEnvironments(
    query: GitopsEnvironmentsQuery = {},
  ): Promise<Map<string, Map<string, Buffer>>> {
    requireFullSha(query.revision);
    const revision = query.revision ?? (await this.head());
    if (revision === undefined) return new Map();
    const blobs = await this.#blobs(revision, 'environments/');
    const { environments, wanted } = environmentsOfTree(
      [...blobs.keys()],
      query.filter,
    );
    const contents = await catFiles(this.path, [
      ...new Set(wanted.map(file => blobs.get(file)!)),
    ]);
    for (const file of wanted) {
      environments
        .get(file.split('/')[1])!
        .set(file, contents.get(blobs.get(file)!)!);
    }
    return environments;
  }

  /** A local repository's changes are commits: nothing is ever left open. */
  async openProposals(environment: string): Promise<GitopsOpenProposal[]> {
    environmentFolder(environment);
    return [];
  }

  /** The blobs under `folder` (ending in `/`) at `revision`: object id by repository path. */
  async #blobs(revision: string, folder: string): Promise<Map<string, string>> {
    const listed = await git(this.path, [
      'ls-tree',
      '-r',
      '-z',
      revision,
      '--',
      folder,
    ]);
    // "<mode> <type> <oid>\t<path>" per entry.
    const blobs = new Map<string, string>();
    for (const entry of listed.stdout.split('\0')) {
      const tab = entry.indexOf('\t');
      if (tab < 0) continue;
      const [, type, oid] = entry.slice(0, tab).split(' ');
      if (type === 'blob') blobs.set(entry.slice(tab + 1), oid);
    }
    return blobs;
  }

  /**
   * Writes and deletes the change's files of one environment's folder in one commit on the
   * branch; `unchanged` (the head as revision) when the folder holds those files already, so a
   * repeat answers the commit that made the change as long as nothing came after it. Refuses
   * (ConflictError) uncommitted changes in the folder or another branch.
   */
  async proposeChange(change: GitopsChange): Promise<GitopsChangeResult> {
    const { environment, dir, edits } = checkChange(change);
    const { message } = changeText(change);
    return this.#exclusive(async () => {
      await this.#checkBranch();
      await this.#checkClean(environment);
      // The folder is clean, so its files at the head are those on disk.
      const plan = planChange(await this.readFiles(environment), edits);
      if (plan.length === 0) {
        return {
          status: 'unchanged',
          revision: (await this.head()) ?? '',
          alreadyOpen: false,
        };
      }
      const result = await this.#commit(
        [dir],
        message,
        plan.map(edit => edit.path),
        async () => {
          for (const edit of plan) {
            if (edit.previousPath) {
              await fs.rm(resolveRepositoryPath(this.path, edit.previousPath));
            }
            const target = resolveRepositoryPath(this.path, edit.path);
            if (edit.content === null) {
              await fs.rm(target, { force: true });
            } else {
              await fs.mkdir(path.dirname(target), { recursive: true });
              await fs.writeFile(target, edit.content);
            }
          }
        },
      );
      return {
        status: result.changed ? 'committed' : 'unchanged',
        revision: result.commit,
        alreadyOpen: false,
      };
    });
  }

  /** Writes the bootstrap files that are missing and commits them; does nothing when all exist. */
  async bootstrap(
    message = 'blueberry: bootstrap the GitOps repository',
  ): Promise<CommitResult> {
    return this.#exclusive(async () => {
      await this.#checkBranch();
      const written = await this.#writeMissingBootstrap();
      return this.#commit(written, message, written);
    });
  }

  /**
   * Runs a change alone: after this process's earlier changes (the queue), then holding the lock
   * file in the git folder, so the scaffolder, the backend and a script committing at once each
   * land instead of failing on git's index lock.
   */
  #exclusive<T>(operation: () => Promise<T>): Promise<T> {
    return changesByRepository.run(this.path, () =>
      withFileLock(this.#lockPath, operation),
    );
  }

  async #checkBranch(): Promise<void> {
    const result = await git(this.path, ['symbolic-ref', '--short', 'HEAD']);
    const current = result.stdout.trim();
    if (current !== this.#options.branch) {
      throw new ConflictError(
        `The GitOps repository at ${
          this.path
        } is on branch '${current}', not '${this.#options.branch}'`,
      );
    }
  }

  async #checkClean(environment: string): Promise<void> {
    const result = await git(this.path, [
      'status',
      '--porcelain',
      '--',
      environmentDir(environment),
    ]);
    if (result.stdout.trim() !== '') {
      throw new ConflictError(
        `The GitOps repository has uncommitted changes in ${environmentDir(
          environment,
        )}; commit or discard them first`,
      );
    }
  }

  async #writeMissingBootstrap(): Promise<string[]> {
    return writeRenderedFiles(
      this.path,
      renderBootstrapFiles(this.#options.render),
      {
        onlyMissing: true,
      },
    );
  }

  async #commit(
    paths: string[],
    message: string,
    files: string[],
    prepare?: () => Promise<void>,
  ): Promise<CommitResult> {
    try {
      await prepare?.();
      const result = await this.#stageAndCommit(paths, message, files);
      // Nothing to commit: leave nothing of the attempt behind either.
      if (!result.changed && prepare) await this.#restore(paths);
      return result;
    } catch (error) {
      // A refused commit (a hook, a full disk) must not leave the change behind in the working tree:
      // every later change to the environment would be refused as "uncommitted changes".
      await this.#restore(paths);
      throw error;
    }
  }

  /** Puts `paths` back as they are at HEAD, in the index and the working tree. */
  async #restore(paths: string[]): Promise<void> {
    const head = await this.head();
    for (const p of paths) {
      const atHead =
        head !== undefined &&
        (
          await git(this.path, ['cat-file', '-e', `HEAD:${p}`], {
            allowExitCodes: [1, 128],
          })
        ).exitCode === 0;
      await git(this.path, [
        'rm',
        '-r',
        '-q',
        '--cached',
        '--ignore-unmatch',
        '--',
        p,
      ]);
      await fs.rm(resolveRepositoryPath(this.path, p), {
        recursive: true,
        force: true,
      });
      if (atHead) await git(this.path, ['checkout', '-q', 'HEAD', '--', p]);
    }
  }

  async #stageAndCommit(
    paths: string[],
    message: string,
    files: string[],
  ): Promise<CommitResult> {
    if (paths.length > 0) await git(this.path, ['add', '-A', '--', ...paths]);
    const head = await this.head();
    const staged = head
      ? await git(
          this.path,
          ['diff', '--cached', '--quiet', 'HEAD', '--', ...paths],
          {
            allowExitCodes: [1],
          },
        )
      : { exitCode: paths.length > 0 ? 1 : 0 };
    if (staged.exitCode === 0) {
      return { commit: head ?? '', changed: false, files };
    }
    await git(this.path, ['commit', '-q', '-m', message, '--', ...paths]);
    return { commit: (await this.head())!, changed: true, files };
  }
}

/** The contents of git objects by id, as bytes, from one `git cat-file --batch`. */
async function catFiles(
  cwd: string,
  oids: string[],
): Promise<Map<string, Buffer>> {
  const contents = new Map<string, Buffer>();
  if (oids.length === 0) return contents;
  const output = await new Promise<Buffer>((resolve, reject) => {
    const child = execFile(
      'git',
      ['cat-file', '--batch'],
      { cwd, encoding: 'buffer', maxBuffer: 512 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error
          ? reject(
              new Error(`git cat-file failed in ${cwd}: ${String(stderr)}`),
            )
          : resolve(stdout),
    );
    child.stdin?.end(`${oids.join('\n')}\n`);
  });
  // "<oid> <type> <size>\n<bytes>\n" per object.
  for (let offset = 0; offset < output.length; ) {
    const headerEnd = output.indexOf(0x0a, offset);
    const [oid, , size] = output
      .subarray(offset, headerEnd)
      .toString('utf8')
      .split(' ');
    const start = headerEnd + 1;
    contents.set(oid, output.subarray(start, start + Number(size)));
    offset = start + Number(size) + 1;
  }
  return contents;
}
