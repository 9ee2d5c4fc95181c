/** A duration: a string such as `5m`, `24h`, `3d` or ISO 8601 `PT5M`, or an object of units. */
type LifecycleDuration =
  | string
  | {
      weeks?: number;
      days?: number;
      hours?: number;
      minutes?: number;
      seconds?: number;
    };

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
    /**
     * Seconds between two refreshes (or two syncs) of one environment, whoever asks; a request
     * within it answers 429 with Retry-After. Default 5, 0 turns the limit off. Per replica.
     */
    actionIntervalSeconds?: number;
    /** Environment lifecycle: expiry, warnings before it, and keep. */
    lifecycle?: {
      /** The expiry janitor, a SchedulerService task (`blueberry-expiry-janitor`), run once across replicas. */
      janitor?: {
        /** Turn the janitor off (keep still works); default true. */
        enabled?: boolean;
        /** How often it runs, e.g. `5m` or `{ minutes: 5 }`; default 5 minutes. */
        frequency?: LifecycleDuration;
        /** How long one run may take before the scheduler gives up on it; default 3 minutes. */
        timeout?: LifecycleDuration;
        /** Delay after start-up before the first run; default 1 minute. */
        initialDelay?: LifecycleDuration;
      };
      /** How long before expiry the owner is warned (once, through notifications); default `24h`. */
      warnBefore?: LifecycleDuration;
      /**
       * Keep moves the expiry to now plus this (never earlier than it was); default `72h`. The
       * renderer stores no TTL, so this is the extension for every environment.
       */
      keepExtension?: LifecycleDuration;
    };
  };
}
