import {
  DEFAULT_NAMESPACE_PATTERN,
  ENVIRONMENTS_PROJECT_NAME,
  environmentNamespace,
  namespacePatternProblem,
  ROOT_PROJECT_NAME,
} from '@blueberry-idp/plugin-blueberry-common';

/**
 * A file the renderer produces: a repository path (always "/"-separated) and its exact bytes.
 *
 * @public
 */
export interface RenderedFile {
  path: string;
  content: string;
}

/**
 * Where Argo CD runs and where the GitOps repository is, which the rendered Applications name.
 *
 * @public
 */
export interface RenderOptions {
  gitops: {
    /** The GitOps repository's URL as Argo CD knows it (`blueberry.gitops.repoURL`). */
    repoURL: string;
    /** The branch Argo CD follows, such as `main`. */
    targetRevision: string;
    /**
     * `blueberry.gitops.namespacePattern`: the namespace of each environment, over `{environment}`;
     * default `blueberry-{environment}` (see the README, "Tenancy").
     */
    namespacePattern?: string;
    /**
     * `blueberry.gitops.sourceRepos`: the chart repositories environments may use, in Argo CD's glob
     * syntax (an AppProject's `sourceRepos`). The GitOps repository itself is always allowed.
     * Default none: every chart is refused until its repository is listed.
     */
    sourceRepos?: string[];
  };
  argocd?: {
    /** The namespace Argo CD's Applications live in; default `argocd`. */
    namespace?: string;
    /** The AppProject of the environments' Applications; default `blueberry-environments`, never `default`. */
    project?: string;
    /** The cluster environments deploy to; default the cluster Argo CD runs in. */
    destinationServer?: string;
  };
}

/** @public */
export interface ResolvedArgoCdOptions {
  namespace: string;
  project: string;
  destinationServer: string;
}

/**
 * Argo CD's side of the options, defaults filled in. A configuration that would undo the tenancy
 * the bootstrap builds (the `default` project, a namespace pattern without a fixed part) is a
 * server fault: it is refused here, whatever renders with it.
 *
 * @public
 */
export function resolveArgoCdOptions(
  options: RenderOptions,
): ResolvedArgoCdOptions {
  const project = options.argocd?.project ?? ENVIRONMENTS_PROJECT_NAME;
  if (project === 'default' || project === ROOT_PROJECT_NAME) {
    throw new Error(
      `blueberry.gitops.argocd.project must not be '${project}': environments render into an AppProject of their own`,
    );
  }
  return {
    namespace: options.argocd?.namespace ?? 'argocd',
    project,
    destinationServer:
      options.argocd?.destinationServer ?? 'https://kubernetes.default.svc',
  };
}

/**
 * The namespace pattern, checked (a bad one is a configuration error, not bad input).
 *
 * @public
 */
export function resolveNamespacePattern(options: RenderOptions): string {
  const pattern = options.gitops.namespacePattern ?? DEFAULT_NAMESPACE_PATTERN;
  const problem = namespacePatternProblem(pattern);
  if (problem)
    throw new Error(
      `blueberry.gitops.namespacePattern '${pattern}' ${problem}`,
    );
  return pattern;
}

/**
 * The namespace an environment's objects go to under the options' pattern.
 *
 * @public
 */
export function namespaceOf(environment: string, options: RenderOptions) {
  return environmentNamespace(environment, resolveNamespacePattern(options));
}
