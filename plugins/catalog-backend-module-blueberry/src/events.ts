/**
 * The events topic the catalog module publishes on when the environment entities it applied
 * changed; the search module listens, so search picks a new environment up within seconds.
 *
 * @public
 */
export const ENVIRONMENT_ENTITIES_CHANGED_TOPIC =
  'blueberry.catalog.environment-entities-changed';

/**
 * The payload of `ENVIRONMENT_ENTITIES_CHANGED_TOPIC`.
 *
 * @public
 */
export interface EnvironmentEntitiesChangedPayload {
  /** The GitOps commit the entities were read at (their `blueberry.io/gitops-commit`). */
  commit: string;
  /** Entities added or changed. */
  changedRefs: string[];
  /** Entities removed. */
  removedRefs: string[];
}
