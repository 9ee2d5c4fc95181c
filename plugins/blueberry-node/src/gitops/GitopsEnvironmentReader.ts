/**
 * Reads the environments of the branch a GitOps repository's Argo CD follows; both the local
 * repository and the one on GitLab do.
 */
export interface GitopsEnvironmentReader {
  /** The environments on the branch: the folders under `environments/`. */
  listEnvironments(): Promise<string[]>;
  /** The environment's `application.yaml` on the branch, or undefined when it is not there. */
  readApplication(environment: string): Promise<string | undefined>;
}
