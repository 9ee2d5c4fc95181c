import type { GitopsChangeRequest } from '@blueberry-idp/plugin-blueberry-node';
import type { GitopsEnvironment } from './applicationExpiry';

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
  removeEnvironment(request: GitopsChangeRequest): Promise<TeardownResult>;
}

/** Reads the environments of the GitOps repository's branch, and changes their expiry. */
export interface GitopsEnvironmentStore {
  listEnvironments(): Promise<GitopsEnvironment[]>;
  getEnvironment(name: string): Promise<GitopsEnvironment | undefined>;
  /** Sets `blueberry.io/expires-at` in one change; returns the commit. */
  setExpiry(
    request: GitopsChangeRequest & { expiresAt: Date },
  ): Promise<{ change: string }>;
}
