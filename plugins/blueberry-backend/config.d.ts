export interface Config {
  /** Blueberry: throw-away environments through GitOps and Argo CD. */
  blueberry?: {
    /** The Argo CD instances whose environments Blueberry shows. */
    argocd?: {
      /** One entry per Argo CD instance; each gets one watch stream. */
      instances?: Array<{
        /** Name of the instance, used in the REST API paths and the `argocd/instance-name` annotation. */
        name: string;
        /** Base URL of Argo CD's API server, e.g. https://argocd.example.com (a path prefix is kept). */
        url: string;
        /**
         * Argo CD API token (a project or local account token with `applications, get` and, for sync,
         * `applications, sync`).
         * @visibility secret
         */
        token: string;
        /** Base URL of the Argo CD UI for deep links, when it differs from `url`. */
        uiUrl?: string;
        /** PEM bundle of extra certificate authorities for a private Argo CD certificate. */
        caBundle?: string;
        /** Timeout of one request to Argo CD in milliseconds; default 10000. */
        requestTimeoutMs?: number;
        /** Namespace of the Applications when Argo CD runs with "applications in any namespace". */
        appNamespace?: string;
      }>;
      /**
       * Label selector of the Applications each watch covers; default `blueberry.io/role` (every
       * Application Blueberry made). Widen it to serve entities annotated with `argocd/app-name` or
       * `argocd/app-selector` for Applications Blueberry did not make.
       */
      selector?: string;
    };
    /**
     * Seconds a permission decision and catalog lookup for one user and entity are reused; default 10,
     * 0 disables.
     */
    accessCacheTtlSeconds?: number;
    /** Milliseconds a burst of Argo CD changes is gathered into one signal per entity; default 200. */
    signalCoalesceMs?: number;
  };
}
