import type {
  GitopsChangeRequest,
  GitopsRemoval,
} from '@blueberry-idp/plugin-blueberry-node';

/** What a removal did (removeGitopsEnvironment): `pending` when its merge request is open already. */
export type RemovalOutcome = GitopsRemoval;

/** Where the environments live: read one, and remove it (or propose its removal). */
export interface EnvironmentStore {
  /** The names of the environments on the branch Argo CD follows. */
  listEnvironments(): Promise<string[]>;
  /** The environment's `application.yaml` on the branch Argo CD follows, or undefined. */
  readApplication(environment: string): Promise<string | undefined>;
  /** Idempotent: an environment already gone (or already proposed for removal) changes nothing. */
  remove(request: GitopsChangeRequest): Promise<RemovalOutcome>;
}
