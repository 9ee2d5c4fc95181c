/** A file the renderer produces: a repository path (always "/"-separated) and its exact bytes. */
export interface RenderedFile {
  path: string;
  content: string;
}

/** Where Argo CD runs and where the GitOps repository is, which the rendered Applications name. */
export interface RenderOptions {
  gitops: {
    /** The GitOps repository's URL as Argo CD knows it (`blueberry.gitops.repoURL`). */
    repoURL: string;
    /** The branch Argo CD follows, such as `main`. */
    targetRevision: string;
  };
  argocd?: {
    /** The namespace Argo CD's Applications live in; default `argocd`. */
    namespace?: string;
    /** The AppProject of the Applications; default `default`. */
    project?: string;
    /** The cluster environments deploy to; default the cluster Argo CD runs in. */
    destinationServer?: string;
  };
}

export interface ResolvedArgoCdOptions {
  namespace: string;
  project: string;
  destinationServer: string;
}

export function resolveArgoCdOptions(
  options: RenderOptions,
): ResolvedArgoCdOptions {
  return {
    namespace: options.argocd?.namespace ?? 'argocd',
    project: options.argocd?.project ?? 'default',
    destinationServer:
      options.argocd?.destinationServer ?? 'https://kubernetes.default.svc',
  };
}
