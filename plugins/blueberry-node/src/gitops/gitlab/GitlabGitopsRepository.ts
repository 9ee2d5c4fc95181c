import { InputError, NotFoundError } from '@backstage/errors';
import { BoundedMap } from '@blueberry-idp/plugin-blueberry-common';
import {
  Branches,
  Commits,
  MergeRequests,
  Repositories,
  RepositoryFiles,
  type CommitAction,
  type CommitDiffSchema,
  type CommitSchema,
  type MergeRequestSchema,
} from '@gitbeaker/rest';
import {
  GitopsCommit,
  GitopsFileChange,
  GitopsHistoryPage,
  GitopsHistoryQuery,
  historyPage,
  limitDiff,
  MAX_DIFF_BYTES,
  parseTrailers,
  unifiedFileDiff,
} from '../gitopsHistory';
import { changeKindOf, type PlannedEdit } from '../gitopsChange';
import { proposeOnGitHost } from '../gitHostProposal';
import type {
  GitopsChange,
  GitopsChangeResult,
  GitopsEnvironmentsQuery,
  GitopsOpenProposal,
  GitopsRepository,
} from '../GitopsRepository';
import {
  environmentFolder,
  environmentsOfTree,
  FULL_SHA,
  requireFullSha,
} from '../revisions';
import {
  gitlabCall,
  gitlabStatusOf,
  orNotFound,
  responseErrorOf,
} from './gitlabErrors';
import { singleAttemptGitlabRequester } from './singleAttemptGitlabRequester';

/** Raw files fetched at the same time by a batched read. */
const FILE_CONCURRENCY = 8;

/** Commits whose diff was read (they never change), and folder changes found, at most this many. */
const COMMIT_CACHE_SIZE = 1000;

/** GitLab's largest page (`per_page`). */
const PER_PAGE = 100;

/** @public */
export interface GitlabGitopsRepositoryOptions {
  /** GitLab's API root, such as `https://gitlab.example.com/api/v4`. */
  apiBaseUrl: string;
  /** A token with `api` scope on the GitOps project (sent as `PRIVATE-TOKEN`). */
  token: string;
  /** The GitOps project's path, such as `platform/gitops`. */
  project: string;
  /** The branch Argo CD follows; merge requests target it. */
  branch: string;
}

/** gitbeaker's resources this repository calls, each made once. */
function gitlabApi(options: GitlabGitopsRepositoryOptions) {
  const apiRoot = options.apiBaseUrl.replace(/\/+$/, '');
  if (!apiRoot.endsWith('/api/v4')) {
    throw new Error(
      `GitLab's API root must end in /api/v4 (GitLab serves its REST API there), not ${apiRoot}`,
    );
  }
  const settings = {
    // gitbeaker adds /api/v4 to the host it is given.
    host: apiRoot.slice(0, -'/api/v4'.length),
    token: options.token,
    // One attempt, no redirect followed, GitLab's answer kept on the error.
    requesterFn: singleAttemptGitlabRequester,
    // No client-side throttle (gitbeaker's default queues past 3000 requests a minute): GitLab
    // enforces its own limits and answers 429, which surfaces with its status.
    rateLimits: {},
  };
  return {
    branches: new Branches(settings),
    commits: new Commits(settings),
    mergeRequests: new MergeRequests(settings),
    repositories: new Repositories(settings),
    files: new RepositoryFiles(settings),
  };
}

/**
 * gitbeaker's `asStream`, which every GET honours: the raw file's bytes as GitLab sent them (its
 * `text/plain` answer would otherwise be decoded as UTF-8, breaking a binary file). showRaw's
 * options type leaves it out.
 */
const AS_STREAM = { asStream: true } as { lfs?: boolean };

/**
 * The GitOps repository on GitLab, through GitLab's REST API (v4) with gitbeaker: reads an
 * environment's files (as bytes) and history on the branch Argo CD follows, and proposes a change
 * as a merge request (a branch with one commit of `create`, `update`, `move` and `delete` actions,
 * content base64-encoded so any file round-trips). Idempotent: an open merge request for the
 * change's branch is returned instead of a new one; a merge request another caller opened first
 * (409) is taken as theirs. gitbeaker encodes every path parameter and follows GitLab's `Link`
 * pagination; one attempt per request and no redirect followed (singleAttemptGitlabRequester). No
 * Backstage service imports: the caller passes the token.
 *
 * @public
 */
export class GitlabGitopsRepository implements GitopsRepository {
  readonly #options: GitlabGitopsRepositoryOptions;
  readonly #api: ReturnType<typeof gitlabApi>;
  readonly #commits = new BoundedMap<string, GitopsCommit>(COMMIT_CACHE_SIZE);
  readonly #changeAt = new BoundedMap<string, string | null>(COMMIT_CACHE_SIZE);

  constructor(options: GitlabGitopsRepositoryOptions) {
    this.#options = options;
    this.#api = gitlabApi(options);
  }

  get branch(): string {
    return this.#options.branch;
  }

  /** The followed branch's head commit, from GitLab's Branches API (`GET /repository/branches/:branch`). */
  async headRevision(): Promise<string> {
    const { branch, project } = this.#options;
    const found = await orNotFound(
      this.#api.branches.show(this.#options.project, branch),
    );
    if (found === undefined) {
      throw new NotFoundError(
        `GitLab project ${project} has no branch '${branch}'`,
      );
    }
    return found.commit.id;
  }

  /**
   * The commits touching `environments/<env>/` from the followed branch's head (or from `cursor`),
   * newest first, through GitLab's Commits API (`path`, one page) and each commit's diff, kept to
   * the folder (read once per commit; they never change).
   */
  async history(
    environment: string,
    query: GitopsHistoryQuery,
  ): Promise<GitopsHistoryPage> {
    const dir = environmentFolder(environment);
    requireFullSha(query.cursor, 'cursor');
    const listed = await this.#listCommits(
      query.cursor ?? this.#options.branch,
      dir,
      query.limit + 1,
    );
    if (listed === undefined) {
      throw new InputError(
        `cursor '${query.cursor}' is not a commit of the GitOps repository`,
      );
    }
    return historyPage(
      listed,
      query.limit,
      c => c.id,
      c => this.#withDiff(c, dir),
    );
  }

  /** The newest commit touching `environments/<env>/` at or before `revision`; remembered. */
  async environmentChangeAt(
    environment: string,
    revision: string,
  ): Promise<string | undefined> {
    const dir = environmentFolder(environment);
    if (!FULL_SHA.test(revision)) return undefined;
    const key = `${dir}\n${revision}`;
    if (!this.#changeAt.has(key)) {
      const [found] = (await this.#listCommits(revision, dir, 1)) ?? [];
      this.#changeAt.set(key, found?.id ?? null);
    }
    return this.#changeAt.get(key) ?? undefined;
  }

  /**
   * The files of `environments/<env>/` at `revision` (a commit, or by default the followed
   * branch), by repository path, as bytes; empty when the folder held nothing then.
   */
  async readFiles(
    environment: string,
    revision?: string,
  ): Promise<Map<string, Buffer>> {
    const dir = environmentFolder(environment);
    requireFullSha(revision);
    return this.#filesAt(dir, revision ?? this.#options.branch);
  }

  /**
   * Every environment with the files `filter` keeps: the followed branch's head read first (so
   * every file is of one commit), the repository tree of `environments` (recursive, keyset-paged),
   * then the raw content of each kept file, a few at a time.
   */
  async readEnvironments(
    query: GitopsEnvironmentsQuery = {},
  ): Promise<Map<string, Map<string, Buffer>>> {
    requireFullSha(query.revision);
    const revision = query.revision ?? (await this.#branchHead(this.branch));
    const blobs = (await this.#tree('environments', true, revision))
      .filter(e => e.type === 'blob')
      .map(e => e.path);
    const { environments, wanted } = environmentsOfTree(blobs, query.filter);
    for (let i = 0; i < wanted.length; i += FILE_CONCURRENCY) {
      await Promise.all(
        wanted.slice(i, i + FILE_CONCURRENCY).map(async file => {
          environments
            .get(file.split('/')[1])!
            .set(file, await this.#rawFile(file, revision));
        }),
      );
    }
    return environments;
  }

  /** The open merge requests into the followed branch whose source is `blueberry/<kind>-<env>`. */
  async openProposals(environment: string): Promise<GitopsOpenProposal[]> {
    environmentFolder(environment);
    const mergeRequests = await gitlabCall(
      this.#api.mergeRequests.all({
        projectId: this.#options.project,
        state: 'opened',
        targetBranch: this.#options.branch,
        perPage: PER_PAGE,
      }),
    );
    const open: GitopsOpenProposal[] = [];
    for (const mr of mergeRequests as MergeRequestSchema[]) {
      const kind = changeKindOf(mr.source_branch, environment);
      if (kind) open.push({ kind, url: mr.web_url, revision: mr.sha });
    }
    return open;
  }

  /**
   * Proposes the change by merge request on `blueberry/<kind>-<env>`: one commit of `create`,
   * `update`, `move` and `delete` actions from the followed branch. A merge request open on that
   * branch is the answer to a repeat (`alreadyOpen`); when it holds other files, one more commit
   * on its branch brings it to these. `unchanged` when the followed branch holds them already.
   */
  proposeChange(change: GitopsChange): Promise<GitopsChangeResult> {
    return proposeOnGitHost(
      {
        followedBranch: this.#options.branch,
        findOpen: async branch => {
          const open = await this.#openMergeRequest(branch);
          return open && { url: open.web_url };
        },
        head: branch => this.#branchHead(branch),
        filesAt: (dir, revision) => this.#filesAt(dir, revision),
        commit: async ({ branch, parent, fresh, current, plan, message }) => {
          const commit = await gitlabCall(
            this.#api.commits.create(
              this.#options.project,
              branch,
              message,
              gitlabActions(current, plan),
              // A new branch from the commit the plan was made against; `force` resets one a
              // closed proposal left behind.
              fresh ? { startSha: parent, force: true } : {},
            ),
          );
          return commit.id;
        },
        open: (branch, text) => this.#createMergeRequest(branch, text),
      },
      change,
    );
  }

  /** The environments on the followed branch: the folders under `environments/`. */
  async listEnvironments(): Promise<string[]> {
    const entries = await this.#tree('environments', false);
    return entries
      .filter(e => e.type === 'tree')
      .map(e => e.path.slice('environments/'.length));
  }

  /** The folder's files at a ref (a branch or a commit), by path, as bytes. */
  async #filesAt(dir: string, ref: string): Promise<Map<string, Buffer>> {
    const blobs = (await this.#tree(dir, true, ref)).filter(
      e => e.type === 'blob',
    );
    const files = new Map<string, Buffer>();
    for (const blob of blobs) {
      files.set(blob.path, await this.#rawFile(blob.path, ref));
    }
    return files;
  }

  /** One file's bytes at a ref, as GitLab stored them. */
  async #rawFile(file: string, ref: string): Promise<Buffer> {
    const body = await gitlabCall(
      this.#api.files.showRaw(this.#options.project, file, ref, AS_STREAM),
    );
    return Buffer.from(
      await new Response(body as unknown as ReadableStream).arrayBuffer(),
    );
  }

  /**
   * Up to `count` commits of `ref` touching `dir`, newest first (one page; gitbeaker reads a second
   * only when GitLab's page is smaller than `count`); undefined when GitLab has no such ref.
   */
  async #listCommits(
    ref: string,
    dir: string,
    count: number,
  ): Promise<CommitSchema[] | undefined> {
    return orNotFound(
      this.#api.commits.all(this.#options.project, {
        refName: ref,
        path: dir,
        perPage: count,
        maxPages: 1,
      }),
    );
  }

  async #withDiff(commit: CommitSchema, dir: string): Promise<GitopsCommit> {
    const key = `${dir}\n${commit.id}`;
    const cached = this.#commits.get(key);
    if (cached) return cached;
    const diffs = await gitlabCall(
      this.#api.commits.showDiff(this.#options.project, commit.id, {
        perPage: PER_PAGE,
      }),
    );
    const inside = (p: string) => p.startsWith(`${dir}/`);
    const mine = diffs.filter(d => inside(d.new_path) || inside(d.old_path));
    const built: GitopsCommit = {
      revision: commit.id,
      committedAt: commit.committed_date ?? commit.created_at,
      author: `${commit.author_name} <${commit.author_email}>`,
      message: commit.message.trim(),
      trailers: parseTrailers(commit.message),
      files: mine.map(fileChangeOf),
      ...limitDiff(
        mine
          .map(d => unifiedFileDiff({ ...fileChangeOf(d), hunks: d.diff }))
          .join('\n'),
        MAX_DIFF_BYTES,
      ),
      url: commit.web_url,
    };
    this.#commits.set(key, built);
    return built;
  }

  /** Opens the merge request of `sourceBranch`; one another caller opened first (409) is theirs. */
  async #createMergeRequest(
    sourceBranch: string,
    input: { title: string; description: string },
  ): Promise<{ url: string; alreadyOpen: boolean }> {
    try {
      const created = await this.#api.mergeRequests.create(
        this.#options.project,
        sourceBranch,
        this.#options.branch,
        input.title,
        { description: input.description, removeSourceBranch: true },
      );
      return { url: created.web_url, alreadyOpen: false };
    } catch (error) {
      if (gitlabStatusOf(error) !== 409) throw await responseErrorOf(error);
      // Another caller opened it first.
      const theirs = await this.#openMergeRequest(sourceBranch);
      if (!theirs) throw await responseErrorOf(error);
      return { url: theirs.web_url, alreadyOpen: true };
    }
  }

  async #openMergeRequest(
    sourceBranch: string,
  ): Promise<MergeRequestSchema | undefined> {
    const [found] = await gitlabCall(
      this.#api.mergeRequests.all({
        projectId: this.#options.project,
        state: 'opened',
        sourceBranch,
        targetBranch: this.#options.branch,
        perPage: 1,
        maxPages: 1,
      }),
    );
    return found as MergeRequestSchema | undefined;
  }

  /** The commit a branch points at (GitLab's branch object carries it). */
  async #branchHead(branch: string): Promise<string> {
    const found = await gitlabCall(
      this.#api.branches.show(this.#options.project, branch),
    );
    return found.commit.id;
  }

  /**
   * The tree under `dir` at a ref, every page (GitLab's keyset pagination, which the tree endpoint
   * has used since 15.0; gitbeaker follows the `Link` header); [] when there is no such folder.
   */
  async #tree(
    dir: string,
    recursive: boolean,
    ref = this.#options.branch,
  ): Promise<Array<{ type: string; path: string }>> {
    const entries = await orNotFound(
      this.#api.repositories.allRepositoryTrees(this.#options.project, {
        path: dir,
        ref,
        recursive,
        pagination: 'keyset',
        perPage: PER_PAGE,
      }),
    );
    return entries ?? [];
  }
}

function fileChangeOf(diff: CommitDiffSchema): GitopsFileChange {
  if (diff.renamed_file) {
    return {
      path: diff.new_path,
      change: 'renamed',
      previousPath: diff.old_path,
    };
  }
  if (diff.new_file) return { path: diff.new_path, change: 'added' };
  if (diff.deleted_file) return { path: diff.old_path, change: 'deleted' };
  return { path: diff.new_path, change: 'modified' };
}

/**
 * GitLab's commit actions for a planned change of a folder whose files are `current`; content as
 * base64, so bytes that are not UTF-8 arrive as they are.
 */
function gitlabActions(
  current: Map<string, Buffer>,
  plan: PlannedEdit[],
): CommitAction[] {
  return plan.map((edit): CommitAction => {
    if (edit.content === null) return { action: 'delete', filePath: edit.path };
    const content = edit.content.toString('base64');
    if (edit.previousPath) {
      return {
        action: 'move',
        previousPath: edit.previousPath,
        filePath: edit.path,
        content,
        encoding: 'base64',
      };
    }
    return {
      action: current.has(edit.path) ? 'update' : 'create',
      filePath: edit.path,
      content,
      encoding: 'base64',
    };
  });
}
