/**
 * The subset of Argo CD's REST shapes (`argocd/swagger.json`) that Blueberry reads. Every field is
 * optional because Argo CD omits empty ones and `fields=` trims the list.
 */

export interface ArgoHealthStatus {
  status?: string;
  message?: string;
}

/** `applicationv1alpha1ResourceStatus`: one managed resource in `status.resources`. */
export interface ArgoResourceStatus {
  group?: string;
  version?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  status?: string;
  health?: ArgoHealthStatus;
  hook?: boolean;
  /** Omitted when 0. */
  syncWave?: number | string;
}

/** `v1alpha1ResourceResult`: one resource of the running operation. */
export interface ArgoResourceResult {
  group?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  status?: string;
  message?: string;
  hookPhase?: string;
  syncPhase?: string;
}

export interface ArgoOperationState {
  phase?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  syncResult?: {
    revision?: string;
    revisions?: string[];
    resources?: ArgoResourceResult[];
  };
}

export interface ArgoApplication {
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
  };
  spec?: {
    project?: string;
    destination?: { server?: string; name?: string; namespace?: string };
    /** Dropped from the Applications kept in memory (compactApplication); read from a GET. */
    syncPolicy?: { automated?: { prune?: boolean; selfHeal?: boolean } };
  };
  status?: {
    health?: ArgoHealthStatus;
    sync?: { status?: string; revision?: string; revisions?: string[] };
    operationState?: ArgoOperationState;
    resources?: ArgoResourceStatus[];
    resourceHealthSource?: string;
    conditions?: Array<{ type?: string; message?: string }>;
    reconciledAt?: string;
    history?: Array<{
      revision?: string;
      revisions?: string[];
      deployedAt?: string;
      id?: number;
    }>;
    summary?: { externalURLs?: string[]; images?: string[] };
  };
}

export interface ArgoApplicationList {
  metadata?: { resourceVersion?: string };
  items?: ArgoApplication[] | null;
}

export type ArgoWatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** `v1alpha1ApplicationWatchEvent`. */
export interface ArgoApplicationWatchEvent {
  type: ArgoWatchEventType;
  application: ArgoApplication;
}

/** `v1alpha1ResourceNode`: a live object in an Application's resource tree. */
export interface ArgoResourceNode {
  group?: string;
  version?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  health?: ArgoHealthStatus;
  parentRefs?: Array<{
    group?: string;
    kind?: string;
    namespace?: string;
    name?: string;
    uid?: string;
  }>;
  info?: Array<{ name?: string; value?: string }>;
  networkingInfo?: {
    externalURLs?: string[];
    ingress?: Array<{ ip?: string; hostname?: string }>;
  };
  images?: string[];
  createdAt?: string;
}

/** `v1alpha1ApplicationTree`. */
export interface ArgoApplicationTree {
  nodes?: ArgoResourceNode[] | null;
}

/** `v1alpha1ResourceDiff`: the states are JSON strings ('null' when absent). */
export interface ArgoResourceDiff {
  group?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  targetState?: string;
  liveState?: string;
  normalizedLiveState?: string;
  predictedLiveState?: string;
  hook?: boolean;
  modified?: boolean;
  resourceVersion?: string;
}
