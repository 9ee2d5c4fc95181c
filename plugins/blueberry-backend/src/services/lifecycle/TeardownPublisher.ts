import type { GitopsEnvironment } from './applicationExpiry';

/** Who asked for a lifecycle change, through which task, and why: the audit trail in Git. */
export interface LifecycleRequest {
  environment: string;
  /** Why, in a sentence, e.g. "expired at 2030-01-04T12:00:00Z (blueberry.io/expires-at)". */
  reason: string;
  /** Who asked: a user entity ref, or the janitor's name. */
  requestedBy: string;
  /** Which task or route made the change, e.g. `blueberry-expiry-janitor`. */
  task: string;
}

export interface TeardownResult {
  /**
   * `absent` when nothing was done: the environment was already gone, or (GitLab) a merge request
   * removing it is open already (`change` names it).
   */
  status: 'removed' | 'absent';
  /** The commit (local) or merge request (GitLab) that removes it. */
  change?: string;
}

/**
 * Proposes the removal of an environment from the GitOps repository. The local implementation
 * commits to the local repository (the embedded setup); in production the GitLab one opens a merge
 * request (GitlabGitopsLifecycle). Removing an environment that is gone is not an error.
 */
export interface TeardownPublisher {
  removeEnvironment(request: LifecycleRequest): Promise<TeardownResult>;
}

/** Reads the environments of the GitOps repository's branch, and changes their expiry. */
export interface GitopsEnvironmentStore {
  listEnvironments(): Promise<GitopsEnvironment[]>;
  getEnvironment(name: string): Promise<GitopsEnvironment | undefined>;
  /** Sets `blueberry.io/expires-at` in one change; returns the commit. */
  setExpiry(
    request: LifecycleRequest & { expiresAt: Date },
  ): Promise<{ change: string }>;
}
