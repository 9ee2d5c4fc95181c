import type { GitopsChangeRequest } from '@blueberry-idp/plugin-blueberry-node';

export type RemovalOutcome =
  | { status: 'absent' }
  /** `change`: the commit (local repository) or the merge request (GitLab) that removes it. */
  | { status: 'removed'; change: string }
  /** GitLab: a merge request removing it is open already (an earlier event opened it). */
  | { status: 'pending'; change: string };

/** Where the environments live: read one, and remove it (or propose its removal). */
export interface EnvironmentStore {
  /** The environment's `application.yaml` on the branch Argo CD follows, or undefined. */
  readApplication(environment: string): Promise<string | undefined>;
  /** Idempotent: an environment already gone (or already proposed for removal) changes nothing. */
  remove(request: GitopsChangeRequest): Promise<RemovalOutcome>;
}
