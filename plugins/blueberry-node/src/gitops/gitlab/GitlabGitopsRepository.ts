import { InputError, NotFoundError, ResponseError } from '@backstage/errors';
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

/** Raw files fetched at the same time by a batched read. */
const FILE_CONCURRENCY = 8;

/** Commits whose diff was read (they never change), at most this many. */
const COMMIT_CACHE_SIZE = 1000;

/** GitLab's commit object (Commits API), the fields read here. */
interface GitlabCommit {
  id: string;
  message: string;
  author_name: string;
  author_email: string;
  committed_date: string;
  web_url: string;
}

/** GitLab's diff object (`GET /repository/commits/:sha/diff`). */
interface GitlabDiff {
  diff: string;
  new_path: string;
  old_path: string;
  new_file: boolean;
  renamed_file: boolean;
  deleted_file: boolean;
}

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

interface TreeEntry {
  type: 'blob' | 'tree' | 'commit';
  path: string;
}

interface MergeRequest {
  web_url: string;
  source_branch: string;
  /** The head commit of its source branch. */
  sha: string;
}

/**
 * The GitOps repository on GitLab, through GitLab's REST API (v4): reads an environment's files and
 * history on the branch Argo CD follows, and proposes a change as a merge request (a branch with
 * one commit of `create`, `update`, `move` and `delete` actions). Idempotent: an open merge request
 * for the change's branch is returned instead of a new one; a merge request another caller opened
 * first (409) is taken as theirs. Every path parameter is encoded. No Backstage service imports:
 * the caller passes the token.
 *
 * @public
 */
export class GitlabGitopsRepository implements GitopsRepository {
  readonly #options: GitlabGitopsRepositoryOptions;
  readonly #projectPath: string;
  readonly #commits = new Map<string, GitopsCommit>();
  readonly #changeAt = new Map<string, string | null>();

  constructor(options: GitlabGitopsRepositoryOptions) {
    this.#options = {
      ...options,
      apiBaseUrl: options.apiBaseUrl.replace(/\/+$/, ''),
    };
    this.#projectPath = `/projects/${encodeURIComponent(options.project)}`;
  }

  get branch(): string {
    return this.#options.branch;
  }

  /** The followed branch's head commit, from GitLab's Branches API (`GET /repository/branches/:branch`). */
  async headRevision(): Promise<string> {
    const { branch, project } = this.#options;
    const response = await this.#request(
      'GET',
      `/repository/branches/${encodeURIComponent(branch)}`,
      undefined,
      [404],
    );
    if (response.status === 404) {
      throw new NotFoundError(
        `GitLab project ${project} has no branch '${branch}'`,
      );
    }
    return ((await response.json()) as { commit: { id: string } }).commit.id;
  }

  /**
   * The commits touching `environments/<env>/` from the followed branch's head (or from `cursor`),
   * newest first, through GitLab's Commits API (`path`, one request per page) and each commit's
   * diff, kept to the folder (one request per commit not read before; they never change).
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
      if (this.#changeAt.size >= COMMIT_CACHE_SIZE) this.#changeAt.clear();
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
   * every file is of one commit), the repository tree of `environments` (recursive, paged), then
   * the raw content of each kept file, a few at a time.
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
    const open: GitopsOpenProposal[] = [];
    for (let page = '1'; page; ) {
      const query = new URLSearchParams({
        state: 'opened',
        target_branch: this.#options.branch,
        per_page: '100',
        page,
      });
      const response = await this.#request('GET', `/merge_requests?${query}`);
      for (const mr of (await response.json()) as MergeRequest[]) {
        const kind = changeKindOf(mr.source_branch, environment);
        if (kind) open.push({ kind, url: mr.web_url, revision: mr.sha });
      }
      page = response.headers.get('x-next-page') ?? '';
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
          const response = await this.#request('POST', '/repository/commits', {
            branch,
            commit_message: message,
            actions: gitlabActions(current, plan),
            // A new branch from the commit the plan was made against; `force` resets one a
            // closed proposal left behind.
            ...(fresh ? { start_sha: parent, force: true } : {}),
          });
          return ((await response.json()) as { id: string }).id;
        },
        open: (branch, text) => this.#createMergeRequest(branch, text),
      },
      change,
    );
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

  /** One file's bytes at a ref. */
  async #rawFile(file: string, ref: string): Promise<Buffer> {
    const response = await this.#request(
      'GET',
      `/repository/files/${encodeURIComponent(
        file,
      )}/raw?ref=${encodeURIComponent(ref)}`,
    );
    return Buffer.from(await response.arrayBuffer());
  }

  /** The commits of `ref` touching `dir`, newest first; undefined when GitLab has no such ref. */
  async #listCommits(
    ref: string,
    dir: string,
    count: number,
  ): Promise<GitlabCommit[] | undefined> {
    const query = new URLSearchParams({
      ref_name: ref,
      path: dir,
      per_page: String(count),
    });
    const response = await this.#request(
      'GET',
      `/repository/commits?${query}`,
      undefined,
      [404],
    );
    if (response.status === 404) return undefined;
    return (await response.json()) as GitlabCommit[];
  }

  async #withDiff(commit: GitlabCommit, dir: string): Promise<GitopsCommit> {
    const key = `${dir}\n${commit.id}`;
    const cached = this.#commits.get(key);
    if (cached) return cached;
    const diffs: GitlabDiff[] = [];
    for (let page = '1'; page; ) {
      const response = await this.#request(
        'GET',
        `/repository/commits/${encodeURIComponent(
          commit.id,
        )}/diff?per_page=100&page=${page}`,
      );
      diffs.push(...((await response.json()) as GitlabDiff[]));
      page = response.headers.get('x-next-page') ?? '';
    }
    const inside = (p: string) => p.startsWith(`${dir}/`);
    const mine = diffs.filter(d => inside(d.new_path) || inside(d.old_path));
    const built: GitopsCommit = {
      revision: commit.id,
      committedAt: commit.committed_date,
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
    if (this.#commits.size >= COMMIT_CACHE_SIZE) this.#commits.clear();
    this.#commits.set(key, built);
    return built;
  }

  /** The environments on the followed branch: the folders under `environments/`. */
  async listEnvironments(): Promise<string[]> {
    const entries = await this.#tree('environments', false);
    return entries
      .filter(e => e.type === 'tree')
      .map(e => e.path.slice('environments/'.length));
  }

  /** Opens the merge request of `sourceBranch`; one another caller opened first (409) is theirs. */
  async #createMergeRequest(
    sourceBranch: string,
    input: { title: string; description: string },
  ): Promise<{ url: string; alreadyOpen: boolean }> {
    const created = await this.#request(
      'POST',
      '/merge_requests',
      {
        source_branch: sourceBranch,
        target_branch: this.#options.branch,
        title: input.title,
        description: input.description,
        remove_source_branch: true,
      },
      [409],
    );
    if (created.status === 409) {
      // Another caller opened it first.
      const theirs = await this.#openMergeRequest(sourceBranch);
      if (!theirs) throw await ResponseError.fromResponse(created);
      return { url: theirs.web_url, alreadyOpen: true };
    }
    const mergeRequest = (await created.json()) as MergeRequest;
    return { url: mergeRequest.web_url, alreadyOpen: false };
  }

  async #openMergeRequest(
    sourceBranch: string,
  ): Promise<MergeRequest | undefined> {
    const query = new URLSearchParams({
      state: 'opened',
      source_branch: sourceBranch,
      target_branch: this.#options.branch,
    });
    const response = await this.#request('GET', `/merge_requests?${query}`);
    const found = (await response.json()) as MergeRequest[];
    return found[0];
  }

  /** The commit a branch points at (GitLab's branch object carries it). */
  async #branchHead(branch: string): Promise<string> {
    const response = await this.#request(
      'GET',
      `/repository/branches/${encodeURIComponent(branch)}`,
    );
    return ((await response.json()) as { commit: { id: string } }).commit.id;
  }

  /** The tree under `dir` on the followed branch (GitLab pages it: `x-next-page`); [] when none. */
  async #tree(
    dir: string,
    recursive: boolean,
    ref = this.#options.branch,
  ): Promise<TreeEntry[]> {
    const entries: TreeEntry[] = [];
    for (let page = '1'; page; ) {
      const query = new URLSearchParams({
        path: dir,
        ref,
        recursive: String(recursive),
        per_page: '100',
        page,
      });
      const response = await this.#request(
        'GET',
        `/repository/tree?${query}`,
        undefined,
        [404],
      );
      if (response.status === 404) return [];
      entries.push(...((await response.json()) as TreeEntry[]));
      page = response.headers.get('x-next-page') ?? '';
    }
    return entries;
  }

  async #request(
    method: 'GET' | 'POST',
    route: string,
    body?: unknown,
    allowStatuses: number[] = [],
  ): Promise<Response> {
    const response = await fetch(
      `${this.#options.apiBaseUrl}${this.#projectPath}${route}`,
      {
        method,
        headers: {
          'PRIVATE-TOKEN': this.#options.token,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        // fetch would repeat the request, PRIVATE-TOKEN and all, to wherever a redirect points
        // (it drops only Authorization across origins): GitLab's API never needs one followed.
        redirect: 'manual',
      },
    );
    if (response.status >= 300 && response.status < 400) {
      throw new Error(
        `GitLab answered ${method} ${route.split('?')[0]} with a redirect (${
          response.status
        }); not followed, so the token stays with ${
          new URL(this.#options.apiBaseUrl).host
        }. Check blueberry.gitops.gitlab and the integrations.gitlab apiBaseUrl`,
      );
    }
    if (response.ok || allowStatuses.includes(response.status)) return response;
    throw await ResponseError.fromResponse(response);
  }
}

function fileChangeOf(diff: GitlabDiff): GitopsFileChange {
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

/** GitLab's commit actions for a planned change of a folder whose files are `current`. */
function gitlabActions(
  current: Map<string, Buffer>,
  plan: PlannedEdit[],
): Array<Record<string, string>> {
  return plan.map((edit): Record<string, string> => {
    if (edit.content === null)
      return { action: 'delete', file_path: edit.path };
    const content = edit.content.toString('utf8');
    if (edit.previousPath) {
      return {
        action: 'move',
        previous_path: edit.previousPath,
        file_path: edit.path,
        content,
      };
    }
    return {
      action: current.has(edit.path) ? 'update' : 'create',
      file_path: edit.path,
      content,
    };
  });
}
