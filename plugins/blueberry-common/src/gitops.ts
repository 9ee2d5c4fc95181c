/**
 * The layout of the GitOps repository Blueberry writes (DESIGN section 3). The renderer writes these
 * paths; the Argo CD stand-in and the catalog module read them. Paths use "/" whatever the platform,
 * because they are repository paths, not file-system paths.
 */

/**
 * Folder of the root Application and the Argo CD settings it needs.
 *
 * @public
 */
export const BOOTSTRAP_DIR = 'bootstrap';
/**
 * The root Application (app-of-apps) over `environments/`.
 *
 * @public
 */
export const ROOT_APPLICATION_PATH = `${BOOTSTRAP_DIR}/root-application.yaml`;
/**
 * The `argocd-cm` settings the layout needs: the health check of `argoproj.io/Application` and
 * Kustomize's `--enable-helm` build option.
 *
 * @public
 */
export const ARGOCD_CM_PATH = `${BOOTSTRAP_DIR}/argocd-cm.yaml`;
/**
 * The AppProject every environment's Application is in (tenancy: namespaces, kinds, sources).
 *
 * @public
 */
export const ENVIRONMENTS_PROJECT_PATH = `${BOOTSTRAP_DIR}/appproject-environments.yaml`;
/**
 * The AppProject of the root Application: Applications in Argo CD's namespace only.
 *
 * @public
 */
export const ROOT_PROJECT_PATH = `${BOOTSTRAP_DIR}/appproject-root.yaml`;
/**
 * Folder holding one directory per environment.
 *
 * @public
 */
export const ENVIRONMENTS_DIR = 'environments';
/**
 * The file name of an environment's child Application inside its directory.
 *
 * @public
 */
export const APPLICATION_FILE = 'application.yaml';

/**
 * `environments/<env>`: everything an environment consists of, and nothing else.
 *
 * @public
 */
export function environmentDir(environment: string): string {
  return `${ENVIRONMENTS_DIR}/${environment}`;
}

/**
 * `environments/<env>/application.yaml`: the environment's child Application.
 *
 * @public
 */
export function environmentApplicationPath(environment: string): string {
  return `${environmentDir(environment)}/${APPLICATION_FILE}`;
}

/**
 * `environments/<env>/kustomization.yaml`: the environment's one Kustomize source.
 *
 * @public
 */
export function environmentKustomizationPath(environment: string): string {
  return `${environmentDir(environment)}/kustomization.yaml`;
}

/**
 * `environments/<env>/components/<component>`: a component's own kustomization and values.
 *
 * @public
 */
export function componentDir(environment: string, component: string): string {
  return `${environmentDir(environment)}/components/${component}`;
}

/**
 * `environments/<env>/components/<component>/values.yaml`: a component's Helm values.
 *
 * @public
 */
export function componentValuesPath(
  environment: string,
  component: string,
): string {
  return `${componentDir(environment, component)}/values.yaml`;
}

/**
 * `environments/<env>/components/<component>/kustomization.yaml`: its chart and patches.
 *
 * @public
 */
export function componentKustomizationPath(
  environment: string,
  component: string,
): string {
  return `${componentDir(environment, component)}/kustomization.yaml`;
}

/**
 * `environments/<env>/manifests`: the environment's own objects (the Namespace).
 *
 * @public
 */
export function environmentManifestsDir(environment: string): string {
  return `${environmentDir(environment)}/manifests`;
}

/**
 * `environments/<env>/manifests/namespace.yaml`: the managed wave-0 Namespace.
 *
 * @public
 */
export function namespaceManifestPath(environment: string): string {
  return `${environmentManifestsDir(environment)}/namespace.yaml`;
}

/**
 * `environments/<env>/manifests/<kind>-<name>.yaml`: a secret reference (ExternalSecret, SealedSecret).
 *
 * @public
 */
export function secretManifestPath(
  environment: string,
  secret: { kind: string; name: string },
): string {
  return `${environmentManifestsDir(
    environment,
  )}/${secret.kind.toLowerCase()}-${secret.name}.yaml`;
}
