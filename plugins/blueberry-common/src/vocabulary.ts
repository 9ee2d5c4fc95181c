/**
 * The `blueberry.io/*` vocabulary: the single source of every label and annotation key Blueberry
 * writes to Argo CD objects, Kubernetes objects and catalog entities.
 */

/**
 * Label keys, set on every Argo CD Application, every rendered object and every catalog entity.
 *
 * @public
 */
export const BLUEBERRY_LABELS = {
  environment: 'blueberry.io/environment',
  app: 'blueberry.io/app',
  role: 'blueberry.io/role',
  type: 'blueberry.io/type',
  pullRequest: 'blueberry.io/pull-request',
  owner: 'blueberry.io/owner',
} as const;

/**
 * Annotation keys: values that are not label-safe (times, refs, URLs).
 *
 * @public
 */
export const BLUEBERRY_ANNOTATIONS = {
  expiresAt: 'blueberry.io/expires-at',
  sourceEntity: 'blueberry.io/source-entity',
  mergeRequest: 'blueberry.io/merge-request',
  /** The full SHA of the application commit the environment runs (its images and value files). */
  commit: 'blueberry.io/commit',
} as const;

/**
 * Catalog annotation that says where an entity's environment blueprint is: a path relative to the
 * entity's source location (such as `.blueberry/environment.yaml`), or a URL.
 *
 * @public
 */
export const BLUEBERRY_BLUEPRINT_ANNOTATION = 'blueberry.io/blueprint';

/**
 * Catalog annotation that links an entity to its environments: its value is the `blueberry.io/app`
 * label value.
 *
 * @public
 */
export const BLUEBERRY_APP_ANNOTATION = 'blueberry.io/app';

/**
 * Annotations of the other Argo CD plugins, honoured so teams can move over without re-annotating.
 *
 * @public
 */
export const COMPAT_ANNOTATIONS = {
  appSelector: 'argocd/app-selector',
  appName: 'argocd/app-name',
  instanceName: 'argocd/instance-name',
} as const;

/**
 * Values of `blueberry.io/role`.
 *
 * @public
 */
export const ROLES = ['root', 'environment'] as const;
/** @public */
export type BlueberryRole = (typeof ROLES)[number];

/**
 * Values of `blueberry.io/type`.
 *
 * @public
 */
export const ENVIRONMENT_TYPES = [
  'pull-request',
  'feature',
  'long-lived',
] as const;
/** @public */
export type EnvironmentType = (typeof ENVIRONMENT_TYPES)[number];

/**
 * The root app-of-apps Application's name.
 *
 * @public
 */
export const ROOT_APPLICATION_NAME = 'blueberry-root';

/**
 * The finalizer that makes Argo CD delete what an Application made when the Application goes.
 *
 * @public
 */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

/**
 * Argo CD's sync-wave annotation, which the rendered values put on every object.
 *
 * @public
 */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
