/**
 * The layout of the GitOps repository Blueberry writes (DESIGN section 3). The renderer writes these
 * paths; the Argo CD stand-in and the catalog module read them. Paths use "/" whatever the platform,
 * because they are repository paths, not file-system paths.
 */

/** Folder of the root Application and the Argo CD settings it needs. */
export const BOOTSTRAP_DIR = 'bootstrap';
/** The root Application (app-of-apps) over `environments/`. */
export const ROOT_APPLICATION_PATH = `${BOOTSTRAP_DIR}/root-application.yaml`;
/** The `argocd-cm` snippet that restores the health check of `argoproj.io/Application`. */
export const ARGOCD_HEALTH_PATH = `${BOOTSTRAP_DIR}/argocd-cm-health.yaml`;
/** Folder holding one directory per environment. */
export const ENVIRONMENTS_DIR = 'environments';
/** The file name of an environment's child Application inside its directory. */
export const APPLICATION_FILE = 'application.yaml';

/** `environments/<env>`: everything an environment consists of, and nothing else. */
export function environmentDir(environment: string): string {
  return `${ENVIRONMENTS_DIR}/${environment}`;
}

/** `environments/<env>/application.yaml`: the environment's child Application. */
export function environmentApplicationPath(environment: string): string {
  return `${environmentDir(environment)}/${APPLICATION_FILE}`;
}

/** `environments/<env>/values/<component>.yaml`: a component's Helm values. */
export function componentValuesPath(
  environment: string,
  component: string,
): string {
  return `${environmentDir(environment)}/values/${component}.yaml`;
}

/** `environments/<env>/manifests`: plain manifests synced by the Application (the Namespace). */
export function environmentManifestsDir(environment: string): string {
  return `${environmentDir(environment)}/manifests`;
}

/** `environments/<env>/manifests/namespace.yaml`: the managed wave-0 Namespace. */
export function namespaceManifestPath(environment: string): string {
  return `${environmentManifestsDir(environment)}/namespace.yaml`;
}
