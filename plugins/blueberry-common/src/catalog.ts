/**
 * How Blueberry environments appear in the Backstage catalog. The catalog module writes these
 * entities, the frontend filters them, and any plugin that changes the GitOps repository can ask for
 * an immediate catalog refresh through the events topic.
 */

/**
 * `spec.type` of the `Resource` entity that stands for one environment.
 *
 * @public
 */
export const ENVIRONMENT_ENTITY_TYPE = 'environment';

/**
 * Events topic (`@backstage/plugin-events-node`) that makes the catalog module re-read the GitOps
 * repository at once, e.g. after the scaffolder action committed an environment. The payload is not
 * read; `{ environment?: string; commit?: string }` is a good one for logs.
 *
 * @public
 */
export const ENVIRONMENTS_CHANGED_TOPIC = 'blueberry.environments.changed';

/**
 * Annotations only the environment entities carry (the `blueberry.io/*` labels are copied as-is).
 *
 * @public
 */
export const ENVIRONMENT_ENTITY_ANNOTATIONS = {
  /** Comma-separated names of the components the environment deploys, sorted. */
  components: 'blueberry.io/components',
  /** The GitOps commit the entity was read from. */
  gitopsCommit: 'blueberry.io/gitops-commit',
  /**
   * The full owner entity ref (`group:default/team-shop`). The `blueberry.io/owner` label holds only
   * the label-safe name; when the Application carries this annotation the catalog uses it as-is.
   */
  ownerRef: 'blueberry.io/owner-ref',
} as const;
