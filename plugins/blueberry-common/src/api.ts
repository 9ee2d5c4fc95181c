import type { HealthStatus, SyncStatus } from './health';

/**
 * A managed resource of an environment, as the backend's REST API serves it.
 *
 * @public
 */
export interface EnvironmentResource {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  health: HealthStatus | null;
  sync: SyncStatus;
  /** Argo CD's message for the resource, when it has one (why it is Degraded, say). */
  message?: string;
  /** The component (Helm release) the resource belongs to; absent for the environment's own objects. */
  component?: string;
  /** Container images the resource runs, as Argo CD's resource tree reports them. */
  images?: string[];
  /**
   * What Argo CD's resource tree shows under this resource (replica sets, pods). Only the
   * single-environment route (`GET /environments/:instance/:name`) fills it.
   */
  children?: EnvironmentTreeNode[];
}

/**
 * A node of Argo CD's resource tree below a managed resource (a ReplicaSet, a Pod).
 *
 * @public
 */
export interface EnvironmentTreeNode {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  health: HealthStatus | null;
  message?: string;
  images?: string[];
  children?: EnvironmentTreeNode[];
}

/**
 * A condition of the environment's Application (a ComparisonError, a SyncError...).
 *
 * @public
 */
export interface EnvironmentCondition {
  type: string;
  message: string;
}

/**
 * One sync wave of an environment, its resources and their aggregate state.
 *
 * @public
 */
export interface EnvironmentWave {
  wave: number;
  health: HealthStatus;
  sync: SyncStatus;
  resources: EnvironmentResource[];
}

/**
 * The running or last sync operation.
 *
 * @public
 */
export interface EnvironmentOperation {
  phase: string;
  /** The lowest wave not yet synced and healthy. */
  wave: number | null;
}

/**
 * The merge request's head when it is ahead of the commit an environment runs, and why.
 *
 * @public
 */
export interface EnvironmentHeadAhead {
  /** The full SHA of the merge request's newest head. */
  sha: string;
  /**
   * Why the environment could not move to it, as the push's handling failed ("Image
   * 127.0.0.1:7082/shop/backend:def5678 is not in the registry..."); absent while it is on its way.
   */
  failure?: string;
}

/**
 * One environment, as `GET /api/blueberry/environments` serves it (DESIGN section 5).
 *
 * @public
 */
export interface Environment {
  name: string;
  instance: string;
  application: string;
  labels: Record<string, string>;
  health: HealthStatus;
  sync: SyncStatus;
  operation: EnvironmentOperation | null;
  revision: string | null;
  syncedAt: string | null;
  expiresAt: string | null;
  urls: string[];
  argocdUrl: string | null;
  waves: EnvironmentWave[];
  /** True when served from memory because Argo CD is unreachable. */
  stale: boolean;
  /** When this state was last seen from Argo CD. */
  observedAt: string;
  /** The merge request that asked for it (the `blueberry.io/merge-request` annotation), if any. */
  mergeRequestUrl?: string | null;
  /**
   * The full SHA of the application commit it runs (the `blueberry.io/commit` annotation); null
   * when it records none (made from fixed components rather than a blueprint).
   */
  commit?: string | null;
  /**
   * Set when the environment's merge request has a newer head than `commit`, as its events told
   * (push events the environment follows); absent when it runs the head or we do not know.
   */
  ahead?: EnvironmentHeadAhead | null;
  /** The Application's conditions (errors and warnings Argo CD reports on it), if any. */
  conditions?: EnvironmentCondition[];
  /**
   * When Argo CD began deleting it (the Application's `deletionTimestamp`), once its directory left
   * the GitOps repository; null otherwise. While set, the resources in `waves` are what is left.
   */
  deletingSince?: string | null;
}

/**
 * How one commit changed one file of an environment's folder.
 *
 * @public
 */
export interface EnvironmentHistoryFile {
  /** The repository path (after the commit, for a rename). */
  path: string;
  change: 'added' | 'modified' | 'deleted' | 'renamed';
  /** The path before a rename. */
  previousPath?: string;
}

/**
 * One change of an environment in the GitOps repository, joined with Argo CD's sync history: an
 * item of `GET /api/blueberry/environments/:instance/:name/history`.
 *
 * @public
 */
export interface EnvironmentHistoryItem {
  /** The commit (full SHA) that changed the environment's folder. */
  revision: string;
  committedAt: string;
  /** Who asked for it (the `Requested-by` trailer), else the commit's author. */
  author: string;
  message: string;
  /** Why (the `Reason` trailer), when the message says. */
  reason?: string;
  /** Which task or route made it (the `Task` trailer). */
  task?: string;
  /** The commit or merge request on the Git host, when there is one to link to. */
  changeUrl?: string;
  files: EnvironmentHistoryFile[];
  /** The unified diff of the folder's files (cut when long: `diffTruncated`). */
  diff: string;
  diffTruncated?: boolean;
  /** When Argo CD last finished syncing the environment to this change (`status.history`). */
  deployedAt?: string;
  /** True for the change the environment runs now (Argo CD's last sync). */
  current: boolean;
}

/**
 * The body of `GET .../history`: newest first; `nextCursor` is the next page's `cursor`.
 *
 * @public
 */
export interface EnvironmentHistoryResponse {
  items: EnvironmentHistoryItem[];
  nextCursor?: string;
}

/**
 * A resource whose live state differs from Git, as Argo CD compares them (`managed-resources`).
 *
 * @public
 */
export interface DriftedResource {
  /** '' for the core group. */
  group: string;
  kind: string;
  namespace: string;
  name: string;
  /**
   * Unified diff from the target YAML (Git, `--- git`) to the normalized live YAML (`+++ live`).
   * A Secret's `data` and `stringData` are never shown.
   */
  diff: string;
}

/**
 * The body of `GET .../drift`: what differs from Git now, and whether Argo CD will put it back.
 *
 * @public
 */
export interface EnvironmentDriftResponse {
  items: DriftedResource[];
  /** The Application's `syncPolicy.automated.selfHeal`: Argo CD syncs drifted resources back. */
  selfHeal: boolean;
}

/**
 * The change a rollback made: a commit (local repository) or a merge request (GitLab).
 *
 * @public
 */
export interface EnvironmentChange {
  kind: 'commit' | 'merge-request';
  url?: string;
  /** The commit, when the change is one. */
  revision?: string;
}

/**
 * The body of `POST .../rollback` (202).
 *
 * @public
 */
export interface EnvironmentRollbackResponse {
  change: EnvironmentChange;
}

/**
 * The root Application (app-of-apps) of an instance.
 *
 * @public
 */
export interface RootApplicationSummary {
  instance: string;
  application: string;
  health: HealthStatus;
  sync: SyncStatus;
}

/**
 * An Argo CD instance that could not answer.
 *
 * @public
 */
export interface InstanceError {
  instance: string;
  message: string;
}

/**
 * The body of `GET /api/blueberry/environments?entityRef=...`.
 *
 * @public
 */
export interface EnvironmentsResponse {
  root?: RootApplicationSummary;
  items: Environment[];
  errors: InstanceError[];
}

/**
 * The message published on `environmentSignalChannel(entityRef)` when environments of the entity
 * changed. It carries no environment data: the page fetches again through the permission-checked
 * route.
 *
 * @public
 */
export interface EnvironmentSignalMessage {
  entityRef: string;
  instance: string;
  /** Names of the environments (Argo CD Applications) that changed. */
  environments: string[];
  [key: string]: string | string[];
}

/**
 * The signal channel on which an entity's environment changes are published.
 *
 * @public
 */
export function environmentSignalChannel(entityRef: string): string {
  return `blueberry:environments:${entityRef}`;
}
