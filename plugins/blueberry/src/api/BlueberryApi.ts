import { createApiRef } from '@backstage/core-plugin-api';
import type {
  Environment,
  EnvironmentDriftResponse,
  EnvironmentHistoryResponse,
  EnvironmentRollbackResponse,
  EnvironmentsResponse,
} from '@blueberry-idp/plugin-blueberry-common';

/** Identifies one environment: the Argo CD instance and the environment's name. @public */
export interface EnvironmentKey {
  instance: string;
  name: string;
}

/** Blueberry's backend, as the frontend sees it (DESIGN section 5). @public */
export interface BlueberryApi {
  /** Every environment of a catalog entity, with the root Application and unreachable instances. */
  getEnvironments(entityRef: string): Promise<EnvironmentsResponse>;
  /** One environment in full, including what Argo CD's resource tree shows under its resources. */
  getEnvironment(key: EnvironmentKey): Promise<Environment>;
  /** Asks Argo CD to re-read the environment's sources and state. */
  refreshEnvironment(key: EnvironmentKey): Promise<void>;
  /** Asks Argo CD to sync the environment now. */
  syncEnvironment(key: EnvironmentKey): Promise<void>;
  /** Moves the environment's expiry out again, by a commit to the GitOps repository. */
  keepEnvironment(key: EnvironmentKey): Promise<KeepEnvironmentResponse>;
  /** The environment's resources whose live state differs from Git, with their diffs. */
  getEnvironmentDrift(key: EnvironmentKey): Promise<EnvironmentDriftResponse>;
  /** A page of the environment's changes in the GitOps repository, newest first. */
  getEnvironmentHistory(
    key: EnvironmentKey,
    page?: { limit?: number; cursor?: string },
  ): Promise<EnvironmentHistoryResponse>;
  /** Restores the environment's folder to its files at `revision`, in one change. */
  rollbackEnvironment(
    key: EnvironmentKey,
    revision: string,
  ): Promise<EnvironmentRollbackResponse>;
}

/** What Keep answers: the new expiry and the GitOps commit that set it. @public */
export interface KeepEnvironmentResponse {
  expiresAt: string;
  previousExpiresAt: string;
  commit: string;
}

/** @public */
export const blueberryApiRef = createApiRef<BlueberryApi>({
  id: 'plugin.blueberry.service',
});
