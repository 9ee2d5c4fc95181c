import { ResponseError } from '@backstage/errors';
import {
  environmentApplicationPath,
  environmentDir,
} from '@blueberry-idp/plugin-blueberry-common';
import { validateEnvironmentName } from '../../validation/environmentRequest';

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
export class GitlabGitopsRepository {
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
    const files = await this.#filesUnder(environmentDir(environment));
    if (files.length === 0) return { status: 'absent' };

    if (!(await this.#branchExists(sourceBranch))) {
      const commit = await this.#request(
        'POST',
        '/repository/commits',
        {
          branch: sourceBranch,
          start_branch: this.#options.branch,
          commit_message: input.message,
          actions: files.map(file => ({ action: 'delete', file_path: file })),
        },
        [400],
      );
      // Another backend made the branch between our check and our commit: its commit stands.
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
      // Another backend opened it first.
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

  /** Every file under `dir` on the followed branch (GitLab pages the tree: `x-next-page`). */
  async #filesUnder(dir: string): Promise<string[]> {
    const files: string[] = [];
    for (let page = '1'; page; ) {
      const query = new URLSearchParams({
        path: dir,
        ref: this.#options.branch,
        recursive: 'true',
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
      const entries = (await response.json()) as TreeEntry[];
      files.push(...entries.filter(e => e.type === 'blob').map(e => e.path));
      page = response.headers.get('x-next-page') ?? '';
    }
    return files;
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
      },
    );
    if (response.ok || allowStatuses.includes(response.status)) return response;
    throw await ResponseError.fromResponse(response);
  }
}
