import { InputError } from '@backstage/errors';
import type {
  EnvironmentChange,
  EnvironmentHistoryItem,
  EnvironmentHistoryResponse,
} from '@blueberry-idp/plugin-blueberry-common';
import {
  gitopsCommitMessage,
  type GitopsChangeRequest,
  type GitopsCommit,
  type GitopsHistoryPage,
  type GitopsHistoryQuery,
} from '@blueberry-idp/plugin-blueberry-node';
import type { ArgoApplication } from '../../argocd/types';

export const ROLLBACK_TASK =
  'POST /api/blueberry/environments/:instance/:name/rollback';

/** What history reads from the GitOps repository (LocalGitopsRepository has it). */
export interface GitopsHistorySource {
  history(
    environment: string,
    query: GitopsHistoryQuery,
  ): Promise<GitopsHistoryPage>;
  /** The newest commit touching the environment's folder at or before `revision`. */
  environmentChangeAt(
    environment: string,
    revision: string,
  ): Promise<string | undefined>;
}

/** Makes the one change that restores an environment's folder to its files at a revision. */
export interface RollbackPublisher {
  restoreEnvironment(
    request: GitopsChangeRequest & { revision: string; message: string },
  ): Promise<EnvironmentChange>;
}

const FULL_SHA = /^[0-9a-f]{40}$/;

/**
 * An environment's history from Git (who, why, what changed) joined with Argo CD's sync history
 * (when each change was deployed, which one runs now), and the rollback to one of its changes.
 */
export class EnvironmentHistory {
  readonly #source: GitopsHistorySource;
  readonly #publisher: RollbackPublisher;

  constructor(options: {
    source: GitopsHistorySource;
    publisher: RollbackPublisher;
  }) {
    this.#source = options.source;
    this.#publisher = options.publisher;
  }

  /** A page of the environment's changes, newest first, each marked with when Argo CD deployed it. */
  async history(
    environment: string,
    application: ArgoApplication,
    query: GitopsHistoryQuery,
  ): Promise<EnvironmentHistoryResponse> {
    const [page, deployments] = await Promise.all([
      this.#source.history(environment, query),
      this.#deployments(environment, application),
    ]);
    return {
      items: page.commits.map(commit =>
        historyItem(commit, deployments.deployedAt.get(commit.revision), {
          current: commit.revision === deployments.current,
        }),
      ),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    };
  }

  /**
   * Restores the environment's folder to exactly its files at `revision`, in one change whose
   * message says what it reverts and who asked. InputError for a revision that is not one of the
   * environment's changes; the repository refuses a conflicting open change (ConflictError).
   */
  async rollback(input: {
    environment: string;
    revision: string;
    requestedBy: string;
  }): Promise<EnvironmentChange> {
    const { environment, revision } = input;
    const notInHistory = new InputError(
      `Revision ${revision} is not in the history of environment '${environment}'`,
    );
    const page = await this.#source
      .history(environment, { limit: 1, cursor: revision })
      .catch(error => {
        // The repository has no such commit.
        throw error instanceof InputError ? notInHistory : error;
      });
    const [target] = page.commits;
    if (target?.revision !== revision) throw notInHistory;
    const short = revision.slice(0, 12);
    const request = {
      environment,
      reason: `restore its files of ${short} ("${
        target.message.split('\n')[0]
      }", committed ${target.committedAt}), reverting every later change`,
      requestedBy: input.requestedBy,
      task: ROLLBACK_TASK,
    };
    return this.#publisher.restoreEnvironment({
      ...request,
      revision,
      message: gitopsCommitMessage(
        `roll back environment ${environment} to ${short}`,
        request,
      ),
    });
  }

  /**
   * Argo CD's `status.history` mapped onto the folder's commits: Argo CD records the branch's head
   * at each sync, which may be a later commit of another environment.
   */
  async #deployments(
    environment: string,
    application: ArgoApplication,
  ): Promise<{ deployedAt: Map<string, string>; current?: string }> {
    const status = application.status ?? {};
    const entries = [...(status.history ?? [])].sort(
      (a, b) => (a.id ?? 0) - (b.id ?? 0),
    );
    const revisionOf = (entry: { revision?: string; revisions?: string[] }) =>
      entry.revision ?? entry.revisions?.find(r => FULL_SHA.test(r));
    const revisions = new Set(
      entries.map(revisionOf).filter((r): r is string => !!r),
    );
    const synced =
      status.sync?.status === 'Synced' ? revisionOf(status.sync) : undefined;
    if (synced) revisions.add(synced);
    const changeOf = new Map<string, string | undefined>();
    await Promise.all(
      [...revisions].map(async r =>
        changeOf.set(r, await this.#source.environmentChangeAt(environment, r)),
      ),
    );
    const deployedAt = new Map<string, string>();
    let current: string | undefined;
    for (const entry of entries) {
      const change = changeOf.get(revisionOf(entry) ?? '');
      if (!change) continue;
      // Oldest first: a later deployment of the same change wins.
      if (entry.deployedAt) deployedAt.set(change, entry.deployedAt);
      current = change;
    }
    return { deployedAt, current: current ?? changeOf.get(synced ?? '') };
  }
}

function historyItem(
  commit: GitopsCommit,
  deployedAt: string | undefined,
  options: { current: boolean },
): EnvironmentHistoryItem {
  const { trailers } = commit;
  return {
    revision: commit.revision,
    committedAt: commit.committedAt,
    author: trailers['Requested-by'] ?? commit.author,
    message: commit.message,
    ...(trailers.Reason ? { reason: trailers.Reason } : {}),
    ...(trailers.Task ? { task: trailers.Task } : {}),
    ...(commit.url ? { changeUrl: commit.url } : {}),
    files: commit.files,
    diff: commit.diff,
    ...(commit.diffTruncated ? { diffTruncated: true } : {}),
    ...(deployedAt ? { deployedAt } : {}),
    current: options.current,
  };
}
