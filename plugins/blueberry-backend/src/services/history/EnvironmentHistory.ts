import { ConflictError, InputError } from '@backstage/errors';
import {
  environmentApplicationPath,
  type EnvironmentChange,
  type EnvironmentHistoryItem,
  type EnvironmentHistoryResponse,
} from '@blueberry-idp/plugin-blueberry-common';
import type {
  GitopsCommit,
  GitopsHistoryQuery,
  GitopsRepository,
} from '@blueberry-idp/plugin-blueberry-node';
import type { ArgoApplication } from '../../argocd/types';
import { oneChangeAtATime } from '../lifecycle/environmentChanges';

export const ROLLBACK_TASK =
  'POST /api/blueberry/environments/:instance/:name/rollback';

const FULL_SHA = /^[0-9a-f]{40}$/;

/** Commits per page when looking for a rollback's revision in the environment's history. */
const HISTORY_PAGE = 50;

/**
 * An environment's history from Git (who, why, what changed) joined with Argo CD's sync history
 * (when each change was deployed, which one runs now), and the rollback to one of its changes,
 * all through the GitOps repository layer, so they work the same locally, on GitLab and on GitHub.
 */
export class EnvironmentHistory {
  readonly #repository: GitopsRepository;

  constructor(options: { repository: GitopsRepository }) {
    this.#repository = options.repository;
  }

  /** A page of the environment's changes, newest first, each marked with when Argo CD deployed it. */
  async history(
    environment: string,
    application: ArgoApplication,
    query: GitopsHistoryQuery,
  ): Promise<EnvironmentHistoryResponse> {
    const [page, deployments] = await Promise.all([
      this.#repository.history(environment, query),
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
   * Restores the environment's folder to exactly its files at `revision` (writes and deletes), in
   * one change whose message says what it reverts and who asked: a commit locally, a merge or pull
   * request on a Git host (`blueberry/rollback-<env>`). Refused, with nothing changed: a revision
   * that is not one of the environment's changes on the followed branch, or that removed it
   * (InputError); a change of the environment still open, or a folder that holds those files
   * already (ConflictError). One change at a time per environment: after any under way here.
   */
  async rollback(input: {
    environment: string;
    revision: string;
    requestedBy: string;
  }): Promise<EnvironmentChange> {
    // After any change of the environment under way here, so its checks see what that one wrote.
    return oneChangeAtATime(input.environment, () => this.#rollback(input));
  }

  async #rollback(input: {
    environment: string;
    revision: string;
    requestedBy: string;
  }): Promise<EnvironmentChange> {
    const { environment, revision } = input;
    const target = await this.#changeInHistory(environment, revision);
    await this.#refuseOpenChange(environment);
    const [atRevision, current] = await Promise.all([
      this.#repository.readFiles(environment, revision),
      this.#repository.readFiles(environment),
    ]);
    const application = environmentApplicationPath(environment);
    if (!atRevision.has(application)) {
      throw new InputError(
        `At revision ${revision} environment '${environment}' has no ${application} (that commit removed it); choose a revision that deployed it`,
      );
    }
    const files = [
      ...[...atRevision].map(([path, content]) => ({ path, content })),
      ...[...current.keys()]
        .filter(path => !atRevision.has(path))
        .map(path => ({ path, content: null })),
    ].filter(
      file =>
        file.content === null || !current.get(file.path)?.equals(file.content),
    );
    if (files.length === 0) {
      throw new ConflictError(
        `Environment '${environment}' holds exactly its files of ${revision} already; nothing to roll back`,
      );
    }
    const short = revision.slice(0, 12);
    const result = await this.#repository.proposeChange({
      environment,
      kind: 'rollback',
      summary: `roll back environment ${environment} to ${short}`,
      request: {
        reason: `restore its files of ${short} ("${
          target.message.split('\n')[0]
        }", committed ${target.committedAt}), reverting every later change`,
        requestedBy: input.requestedBy,
        task: ROLLBACK_TASK,
      },
      files,
      merging: `Merging restores environments/${environment}/ to exactly its files at ${revision}; Argo CD then deploys that version.`,
    });
    if (result.status === 'committed') {
      return { kind: 'commit', revision: result.revision };
    }
    if (result.status === 'proposed' && result.url) {
      return { kind: 'merge-request', url: result.url };
    }
    throw new ConflictError(
      `Environment '${environment}' changed while its rollback was prepared; look at its history and try again`,
    );
  }

  /**
   * The commit `revision` when it is one of the environment's changes on the followed branch:
   * a cheap look-up first (a commit of the repository that touched the folder), then the folder's
   * history from the branch's head (a proposal's unmerged commit touches the folder too).
   */
  async #changeInHistory(
    environment: string,
    revision: string,
  ): Promise<GitopsCommit> {
    const notInHistory = new InputError(
      `Revision ${revision} is not in the history of environment '${environment}'`,
    );
    if (
      (await this.#repository.environmentChangeAt(environment, revision)) !==
      revision
    ) {
      throw notInHistory;
    }
    let cursor: string | undefined;
    do {
      const page = await this.#repository.history(environment, {
        limit: HISTORY_PAGE,
        cursor,
      });
      const found = page.commits.find(c => c.revision === revision);
      if (found) return found;
      cursor = page.nextCursor;
    } while (cursor);
    throw notInHistory;
  }

  /**
   * ConflictError while a change of the environment is open: an open merge or pull request of
   * any kind on a Git host (`openProposals`). A local repository has none; its uncommitted files
   * in the folder are refused by the rollback's own commit.
   */
  async #refuseOpenChange(environment: string): Promise<void> {
    const [open] = await this.#repository.openProposals(environment);
    if (open) {
      throw new ConflictError(
        `A change of environment '${environment}' is still open (${open.kind}: ${open.url}); merge or close it before rolling back`,
      );
    }
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
        changeOf.set(
          r,
          await this.#repository.environmentChangeAt(environment, r),
        ),
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
