import { InputError, NotFoundError } from '@backstage/errors';
import type { GithubCredentialsProvider } from '@backstage/integration';
import { BoundedMap } from '@blueberry-idp/plugin-blueberry-common';
import { Octokit } from '@octokit/rest';
import type { PlannedEdit } from '../gitopsChange';
import { changeKindOf } from '../gitopsChange';
import { proposeOnGitHost } from '../gitHostProposal';
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

/** Blobs fetched at the same time by a batched read. */
const BLOB_CONCURRENCY = 8;

/** Commits whose files were read (they never change), at most this many. */
const COMMIT_CACHE_SIZE = 1000;

/**
 * Where the GitOps repository lives on GitHub and the credentials to reach it.
 *
 * @public
 */
export interface GithubGitopsRepositoryOptions {
  /** The repository's owner (user or organisation) and name: `platform` and `gitops`. */
  owner: string;
  repo: string;
  /** The branch Argo CD follows; pull requests target it. */
  branch: string;
  /** The host the repository is on (`github.com`, or a GitHub Enterprise host). */
  host: string;
  /** GitHub's API root for that host: `https://api.github.com`, `https://ghe.example.com/api/v3`. */
  apiBaseUrl: string;
  /**
   * Credentials for the repository: `DefaultGithubCredentialsProvider` over
   * `integrations.github` (a token, or a GitHub App installation token).
   */
  credentials: GithubCredentialsProvider;
}

/** GitHub's file status in a commit (`repos/get-commit`), as the history calls it. */
const FILE_STATUS: Record<string, GitopsFileChange['change']> = {
  added: 'added',
  removed: 'deleted',
  renamed: 'renamed',
};

/**
 * The GitOps repository on GitHub, through GitHub's REST API (Octokit) with the credentials of the
 * `integrations.github` entry for its host: environments and files from git trees and blobs,
 * history from the Commits API (`path`), and changes as pull requests on
 * `blueberry/<kind>-<env>`, made with the Git data API (blobs, a tree on the followed branch's,
 * one commit, a ref). Idempotent and safe when two callers propose at once: an open pull request
 * for the branch is the answer; a branch another caller made first is reset to this change, and
 * a pull request they opened first (422) is taken as theirs.
 */
export class GithubGitopsRepository implements GitopsRepository {
  readonly #options: GithubGitopsRepositoryOptions;
  readonly #repo: { owner: string; repo: string };
  readonly #commits = new BoundedMap<string, GitopsCommit>(COMMIT_CACHE_SIZE);
  readonly #changeAt = new BoundedMap<string, string | null>(COMMIT_CACHE_SIZE);

  constructor(options: GithubGitopsRepositoryOptions) {
    this.#options = {
      ...options,
      apiBaseUrl: options.apiBaseUrl.replace(/\/+$/, ''),
    };
    this.#repo = { owner: options.owner, repo: options.repo };
  }

  get branch(): string {
    return this.#options.branch;
  }

  /** The followed branch's head commit, from its ref (`GET /repos/{owner}/{repo}/git/ref/heads/{branch}`). */
  async headRevision(): Promise<string> {
    const octokit = await this.#octokit();
    return this.#head(octokit, this.branch).catch(error => {
      if (error.status !== 404) throw error;
      throw new NotFoundError(
        `GitHub repository ${this.#options.owner}/${
          this.#options.repo
        } has no branch '${this.branch}'`,
      );
    });
  }

  async listEnvironments(): Promise<string[]> {
    const octokit = await this.#octokit();
    const tree = await this.#folderTree(octokit, this.branch, 'environments');
    if (!tree) return [];
    const { data } = await octokit.rest.git.getTree({
      ...this.#repo,
      tree_sha: tree,
    });
    return data.tree
      .filter(entry => entry.type === 'tree' && entry.path)
      .map(entry => entry.path!)
      .sort();
  }

  async readFiles(
    environment: string,
    revision?: string,
  ): Promise<Map<string, Buffer>> {
    const dir = environmentFolder(environment);
    requireFullSha(revision);
    const octokit = await this.#octokit();
    return this.#filesAt(octokit, dir, revision ?? this.branch);
  }

  /**
   * Every environment with the files `filter` keeps: the `environments` tree found at the
   * revision (the followed branch's head, read first so every file is of one commit), one
   * recursive `git.getTree` of it, then a `git.getBlob` per kept file, a few at a time.
   */
  async readEnvironments(
    query: GitopsEnvironmentsQuery = {},
  ): Promise<Map<string, Map<string, Buffer>>> {
    requireFullSha(query.revision);
    const octokit = await this.#octokit();
    const revision = query.revision ?? (await this.#head(octokit, this.branch));
    const shas = await this.#blobsUnder(octokit, revision, 'environments');
    if (!shas) return new Map();
    const { environments, wanted } = environmentsOfTree(
      [...shas.keys()],
      query.filter,
    );
    for (let i = 0; i < wanted.length; i += BLOB_CONCURRENCY) {
      await Promise.all(
        wanted.slice(i, i + BLOB_CONCURRENCY).map(async file => {
          const { data: blob } = await octokit.rest.git.getBlob({
            ...this.#repo,
            file_sha: shas.get(file)!,
          });
          environments
            .get(file.split('/')[1])!
            .set(
              file,
              Buffer.from(blob.content, blob.encoding as BufferEncoding),
            );
        }),
      );
    }
    return environments;
  }

  /** The open pull requests on the followed branch whose head is `blueberry/<kind>-<env>`. */
  async openProposals(environment: string): Promise<GitopsOpenProposal[]> {
    environmentFolder(environment);
    const octokit = await this.#octokit();
    const open: GitopsOpenProposal[] = [];
    for (let page = 1; ; page++) {
      const { data: pulls } = await octokit.rest.pulls.list({
        ...this.#repo,
        state: 'open',
        base: this.branch,
        per_page: 100,
        page,
      });
      for (const pull of pulls) {
        // A pull request from a fork (labelled `<fork owner>:<branch>`) is not Blueberry's.
        if (pull.head.label !== `${this.#options.owner}:${pull.head.ref}`) {
          continue;
        }
        const kind = changeKindOf(pull.head.ref, environment);
        if (kind) {
          open.push({ kind, url: pull.html_url, revision: pull.head.sha });
        }
      }
      if (pulls.length < 100) break;
    }
    return open;
  }

  /**
   * The commits touching `environments/<env>/` from the followed branch's head (or `cursor`),
   * newest first: the Commits API with `path` (one request per page), then each commit's files
   * and patches (one request per commit not read before; they never change).
   */
  async history(
    environment: string,
    query: GitopsHistoryQuery,
  ): Promise<GitopsHistoryPage> {
    const dir = environmentFolder(environment);
    requireFullSha(query.cursor, 'cursor');
    const octokit = await this.#octokit();
    const listed = await octokit.rest.repos
      .listCommits({
        ...this.#repo,
        sha: query.cursor ?? this.branch,
        path: dir,
        per_page: Math.min(query.limit + 1, 100),
      })
      .catch(error => {
        if (query.cursor && [404, 422].includes(error.status)) {
          throw new InputError(
            `cursor '${query.cursor}' is not a commit of the GitOps repository`,
          );
        }
        throw error;
      });
    return historyPage(
      listed.data.map(commit => commit.sha),
      query.limit,
      sha => sha,
      sha => this.#commit(octokit, sha, dir),
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
      const octokit = await this.#octokit();
      const listed = await octokit.rest.repos
        .listCommits({ ...this.#repo, sha: revision, path: dir, per_page: 1 })
        .catch(error => {
          // GitHub answers an unknown commit with 404 or 422.
          if ([404, 422].includes(error.status)) return { data: [] };
          throw error;
        });
      this.#changeAt.set(key, listed.data[0]?.sha ?? null);
    }
    return this.#changeAt.get(key) ?? undefined;
  }

  /**
   * Proposes the change by pull request on `blueberry/<kind>-<env>` (proposeOnGitHost): one
   * commit made with the Git data API (blobs, a tree on the parent's, the commit), the branch
   * pointed at it, then the pull request.
   */
  async proposeChange(change: GitopsChange): Promise<GitopsChangeResult> {
    const octokit = await this.#octokit();
    return proposeOnGitHost(
      {
        followedBranch: this.branch,
        findOpen: async branch => {
          const open = await this.#openPull(octokit, branch);
          return open && { url: open.html_url };
        },
        head: branch => this.#head(octokit, branch),
        filesAt: (dir, revision) => this.#filesAt(octokit, dir, revision),
        commit: async ({ branch, parent, fresh, plan, message }) => {
          const sha = await this.#commitPlan(octokit, parent, plan, message);
          if (fresh) await this.#setBranch(octokit, branch, sha);
          else {
            await octokit.rest.git.updateRef({
              ...this.#repo,
              ref: `heads/${branch}`,
              sha,
            });
          }
          return sha;
        },
        open: (branch, text) => this.#openPullRequest(octokit, branch, text),
      },
      change,
    );
  }

  /** One commit on `parent` making the plan: a blob per written file, a tree on the parent's. */
  async #commitPlan(
    octokit: Octokit,
    parent: string,
    plan: PlannedEdit[],
    message: string,
  ): Promise<string> {
    const { data: base } = await octokit.rest.git.getCommit({
      ...this.#repo,
      commit_sha: parent,
    });
    const tree: Array<{
      path: string;
      mode: '100644';
      type: 'blob';
      sha: string | null;
    }> = [];
    for (const edit of plan) {
      if (edit.previousPath) {
        tree.push({
          path: edit.previousPath,
          mode: '100644',
          type: 'blob',
          sha: null,
        });
      }
      let sha: string | null = null;
      if (edit.content !== null) {
        const { data: blob } = await octokit.rest.git.createBlob({
          ...this.#repo,
          content: edit.content.toString('base64'),
          encoding: 'base64',
        });
        sha = blob.sha;
      }
      tree.push({ path: edit.path, mode: '100644', type: 'blob', sha });
    }
    const { data: newTree } = await octokit.rest.git.createTree({
      ...this.#repo,
      base_tree: base.tree.sha,
      tree,
    });
    const { data: commit } = await octokit.rest.git.createCommit({
      ...this.#repo,
      message,
      tree: newTree.sha,
      parents: [parent],
    });
    return commit.sha;
  }

  /** Points `branch` at `sha`: a new branch, or a left-over one (a closed proposal's) reset. */
  async #setBranch(octokit: Octokit, branch: string, sha: string) {
    try {
      await octokit.rest.git.createRef({
        ...this.#repo,
        ref: `refs/heads/${branch}`,
        sha,
      });
    } catch (error) {
      if ((error as { status?: number }).status !== 422) throw error;
      await octokit.rest.git.updateRef({
        ...this.#repo,
        ref: `heads/${branch}`,
        sha,
        force: true,
      });
    }
  }

  async #openPullRequest(
    octokit: Octokit,
    branch: string,
    text: { title: string; description: string },
  ): Promise<{ url: string; alreadyOpen: boolean }> {
    try {
      const { data } = await octokit.rest.pulls.create({
        ...this.#repo,
        head: branch,
        base: this.branch,
        title: text.title,
        body: text.description,
      });
      return { url: data.html_url, alreadyOpen: false };
    } catch (error) {
      // Another caller opened it between our look and our request.
      const theirs =
        (error as { status?: number }).status === 422
          ? await this.#openPull(octokit, branch)
          : undefined;
      if (!theirs) throw error;
      return { url: theirs.html_url, alreadyOpen: true };
    }
  }

  async #openPull(octokit: Octokit, branch: string) {
    const { data } = await octokit.rest.pulls.list({
      ...this.#repo,
      state: 'open',
      head: `${this.#options.owner}:${branch}`,
      base: this.branch,
    });
    return data[0];
  }

  async #head(octokit: Octokit, branch: string): Promise<string> {
    const { data } = await octokit.rest.git.getRef({
      ...this.#repo,
      ref: `heads/${branch}`,
    });
    return data.object.sha;
  }

  /** The tree of `folder` at `ref`, walked one level at a time; undefined when there is none. */
  async #folderTree(
    octokit: Octokit,
    ref: string,
    folder: string,
  ): Promise<string | undefined> {
    // A commit GitHub does not have is the caller's mistake; a folder it lacks is just absent.
    const root = await octokit.rest.git
      .getTree({ ...this.#repo, tree_sha: ref })
      .catch(error => {
        if (error.status === 404 && FULL_SHA.test(ref)) {
          throw new InputError(
            `'${ref}' is not a commit of the GitOps repository`,
          );
        }
        throw error;
      });
    let tree = ref;
    for (const name of folder.split('/')) {
      const { data } =
        tree === ref
          ? root
          : await octokit.rest.git.getTree({ ...this.#repo, tree_sha: tree });
      const entry = data.tree.find(e => e.path === name && e.type === 'tree');
      if (!entry?.sha) return undefined;
      tree = entry.sha;
    }
    return tree;
  }

  /** The folder's files at a ref (a branch or a commit), by repository path, as bytes. */
  async #filesAt(
    octokit: Octokit,
    dir: string,
    ref: string,
  ): Promise<Map<string, Buffer>> {
    const files = new Map<string, Buffer>();
    for (const [file, sha] of (await this.#blobsUnder(octokit, ref, dir)) ??
      []) {
      const { data: blob } = await octokit.rest.git.getBlob({
        ...this.#repo,
        file_sha: sha,
      });
      files.set(
        file,
        Buffer.from(blob.content, blob.encoding as BufferEncoding),
      );
    }
    return files;
  }

  /**
   * The blobs under a folder at a ref, by repository path, from one recursive tree; undefined when
   * the folder is not there. A tree GitHub truncates is an error rather than a partial answer.
   */
  async #blobsUnder(
    octokit: Octokit,
    ref: string,
    dir: string,
  ): Promise<Map<string, string> | undefined> {
    const tree = await this.#folderTree(octokit, ref, dir);
    if (!tree) return undefined;
    const { data } = await octokit.rest.git.getTree({
      ...this.#repo,
      tree_sha: tree,
      recursive: 'true',
    });
    if (data.truncated) {
      throw new Error(
        `GitHub truncated the tree of ${dir} at ${ref}; too many files to read at once`,
      );
    }
    const shas = new Map<string, string>();
    for (const entry of data.tree) {
      if (entry.type === 'blob' && entry.sha && entry.path) {
        shas.set(`${dir}/${entry.path}`, entry.sha);
      }
    }
    return shas;
  }

  async #commit(
    octokit: Octokit,
    sha: string,
    dir: string,
  ): Promise<GitopsCommit> {
    const key = `${dir}\n${sha}`;
    const cached = this.#commits.get(key);
    if (cached) return cached;
    const { data } = await octokit.rest.repos.getCommit({
      ...this.#repo,
      ref: sha,
    });
    const inside = (p?: string) => p !== undefined && p.startsWith(`${dir}/`);
    const mine = (data.files ?? []).filter(
      f => inside(f.filename) || inside(f.previous_filename),
    );
    const files: GitopsFileChange[] = mine.map(f => {
      const change = FILE_STATUS[f.status] ?? 'modified';
      return change === 'renamed'
        ? { path: f.filename, change, previousPath: f.previous_filename }
        : { path: f.filename, change };
    });
    const author = data.commit.author;
    const built: GitopsCommit = {
      revision: data.sha,
      committedAt: data.commit.committer?.date ?? author?.date ?? '',
      author: `${author?.name ?? ''} <${author?.email ?? ''}>`,
      message: data.commit.message.trim(),
      trailers: parseTrailers(data.commit.message),
      files,
      ...limitDiff(
        files
          .map((file, i) =>
            unifiedFileDiff({ ...file, hunks: mine[i].patch ?? '' }),
          )
          .join('\n'),
        MAX_DIFF_BYTES,
      ),
      url: data.html_url,
    };
    this.#commits.set(key, built);
    return built;
  }

  /** An Octokit with the repository's current credentials (an App's token expires; the provider renews it). */
  async #octokit(): Promise<Octokit> {
    const { owner, repo, host } = this.#options;
    const { token } = await this.#options.credentials.getCredentials({
      url: `https://${host}/${encodeURIComponent(owner)}/${encodeURIComponent(
        repo,
      )}`,
    });
    return new Octokit({ auth: token, baseUrl: this.#options.apiBaseUrl });
  }
}
