import { InputError, ResponseError } from '@backstage/errors';
import {
  environmentApplicationPath,
  environmentDir,
} from '@blueberry-idp/plugin-blueberry-common';
import { validateEnvironmentName } from '../../validation/environmentRequest';
import type { GitopsEnvironmentReader } from '../GitopsEnvironmentReader';

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

export type RemovalProposal =
  | { status: 'absent' }
  | { status: 'proposed'; mergeRequestUrl: string; alreadyOpen: boolean };

/** The branch a removal is proposed on: one per environment, so a repeated removal finds its own. */
export const removalBranch = (environment: string) =>
  `blueberry/remove-${environment}`;

interface TreeEntry {
  type: 'blob' | 'tree' | 'commit';
  path: string;
}

interface MergeRequest {
  iid: number;
  web_url: string;
}

/**
 * The GitOps repository on GitLab, through GitLab's REST API (v4): reads an environment's files on
 * the branch Argo CD follows, and proposes an environment's removal as a merge request (a branch
 * with one commit of `delete` actions). Idempotent and safe when two backends propose the same
 * removal at once: an open merge request for the removal branch is returned instead of a new one;
 * a branch or merge request another caller made first (400 "already exists", 409) is taken as
 * theirs. Every path parameter is encoded. No Backstage service imports: the caller passes the token.
 */
export class GitlabGitopsRepository implements GitopsEnvironmentReader {
  readonly #options: GitlabGitopsRepositoryOptions;
  readonly #projectPath: string;

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

  /** A file's text on the followed branch, or undefined when it is not there. */
  async readFile(filePath: string): Promise<string | undefined> {
    const response = await this.#request(
      'GET',
      `/repository/files/${encodeURIComponent(
        filePath,
      )}/raw?ref=${encodeURIComponent(this.#options.branch)}`,
      undefined,
      [404],
    );
    return response.status === 404 ? undefined : response.text();
  }

  /** The environment's `application.yaml` on the followed branch, or undefined. */
  readApplication(environment: string): Promise<string | undefined> {
    return this.readFile(
      environmentApplicationPath(
        validateEnvironmentName(environment, 'environment'),
      ),
    );
  }

  /**
   * Proposes removing `environments/<environment>/` by merge request: absent when the folder is not
   * on the followed branch; the open merge request of an earlier proposal when there is one.
   */
  async proposeRemoval(input: {
    environment: string;
    /** The commit message (who, which task and why). */
    message: string;
    title: string;
    description: string;
  }): Promise<RemovalProposal> {
    const environment = validateEnvironmentName(
      input.environment,
      'environment',
    );
    const sourceBranch = removalBranch(environment);
    const open = await this.#openMergeRequest(sourceBranch);
    if (open) {
      return {
        status: 'proposed',
        mergeRequestUrl: open.web_url,
        alreadyOpen: true,
      };
    }
    const files = (await this.#tree(environmentDir(environment), true))
      .filter(e => e.type === 'blob')
      .map(e => e.path);
    if (files.length === 0) return { status: 'absent' };

    return this.#propose({
      sourceBranch,
      actions: files.map(file => ({ action: 'delete', file_path: file })),
      message: input.message,
      title: input.title,
      description: input.description,
    });
  }

  /**
   * Proposes new content for one file of an environment by merge request, on the branch
   * `blueberry/<purpose>-<environment>`: a proposal still open gets one more commit on its branch
   * (the merge request then carries the latest content) instead of a second merge request.
   */
  async proposeFileUpdate(input: {
    environment: string;
    purpose: string;
    filePath: string;
    content: string;
    message: string;
    title: string;
    description: string;
  }): Promise<RemovalProposal & { status: 'proposed' }> {
    const environment = validateEnvironmentName(
      input.environment,
      'environment',
    );
    const prefix = `${environmentDir(environment)}/`;
    if (!input.filePath.startsWith(prefix) || input.filePath.includes('..')) {
      throw new InputError(
        `${input.filePath} is not a file of environment ${environment}`,
      );
    }
    const sourceBranch = `blueberry/${input.purpose}-${environment}`;
    if (await this.#branchExists(sourceBranch)) {
      // A proposal on its way: move its branch on (no start_branch: commit onto it).
      await this.#request('POST', '/repository/commits', {
        branch: sourceBranch,
        commit_message: input.message,
        actions: [
          {
            action: 'update',
            file_path: input.filePath,
            content: input.content,
          },
        ],
      });
    }
    return this.#propose({
      sourceBranch,
      actions: [
        { action: 'update', file_path: input.filePath, content: input.content },
      ],
      message: input.message,
      title: input.title,
      description: input.description,
    });
  }

  /** The environments on the followed branch: the folders under `environments/`. */
  async listEnvironments(): Promise<string[]> {
    const entries = await this.#tree('environments', false);
    return entries
      .filter(e => e.type === 'tree')
      .map(e => e.path.slice('environments/'.length));
  }

  /**
   * Commits `actions` on `sourceBranch` (made from the followed branch) unless the branch exists,
   * then opens its merge request unless one is open; another caller's branch or merge request
   * made in between is taken as theirs.
   */
  async #propose(input: {
    sourceBranch: string;
    actions: Array<Record<string, string>>;
    message: string;
    title: string;
    description: string;
  }): Promise<RemovalProposal & { status: 'proposed' }> {
    const { sourceBranch } = input;
    const open = await this.#openMergeRequest(sourceBranch);
    if (open) {
      return {
        status: 'proposed',
        mergeRequestUrl: open.web_url,
        alreadyOpen: true,
      };
    }
    if (!(await this.#branchExists(sourceBranch))) {
      const commit = await this.#request(
        'POST',
        '/repository/commits',
        {
          branch: sourceBranch,
          start_branch: this.#options.branch,
          commit_message: input.message,
          actions: input.actions,
        },
        [400],
      );
      // Another caller made the branch between our check and our commit: its commit stands.
      if (commit.status === 400 && !(await this.#branchExists(sourceBranch))) {
        throw await ResponseError.fromResponse(commit);
      }
    }
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
      return {
        status: 'proposed',
        mergeRequestUrl: theirs.web_url,
        alreadyOpen: true,
      };
    }
    const mergeRequest = (await created.json()) as MergeRequest;
    return {
      status: 'proposed',
      mergeRequestUrl: mergeRequest.web_url,
      alreadyOpen: false,
    };
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

  async #branchExists(branch: string): Promise<boolean> {
    const response = await this.#request(
      'GET',
      `/repository/branches/${encodeURIComponent(branch)}`,
      undefined,
      [404],
    );
    return response.status !== 404;
  }

  /** The tree under `dir` on the followed branch (GitLab pages it: `x-next-page`); [] when none. */
  async #tree(dir: string, recursive: boolean): Promise<TreeEntry[]> {
    const entries: TreeEntry[] = [];
    for (let page = '1'; page; ) {
      const query = new URLSearchParams({
        path: dir,
        ref: this.#options.branch,
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
