import {
  BLUEBERRY_ANNOTATIONS,
  BLUEBERRY_LABELS,
  combinedSync,
  Environment,
  EnvironmentResource,
  EnvironmentTreeNode,
  EnvironmentWave,
  HealthStatus,
  HEALTH_ORDER,
  RootApplicationSummary,
  SyncStatus,
  safeHttpUrl,
  safeHttpUrls,
  worstHealth,
} from '@blueberry-idp/plugin-blueberry-common';
import type {
  ArgoApplication,
  ArgoApplicationTree,
  ArgoResourceNode,
  ArgoResourceStatus,
} from '../argocd/types';

/** Where an Application was seen and how fresh that is. */
export interface ObservedApplication {
  instance: string;
  application: ArgoApplication;
  /** When Argo CD last told us about it (ISO time). */
  observedAt: string;
  /** True when Argo CD is unreachable and this is the last known state. */
  stale: boolean;
}

export interface EnvironmentTreeOptions {
  /** Base URL of the instance's Argo CD UI, for deep links; null when there is none. */
  uiUrl: string | null;
  /** The resource tree, for the single-environment view: adds children and fills missing health. */
  tree?: ArgoApplicationTree;
}

/** Operation phases during which Argo CD is still working. */
const RUNNING_PHASES = new Set(['Running', 'Terminating']);

/** What Argo CD's Ingress health check reports until the controller publishes an address. */
const INGRESS_WAITING =
  'Waiting for the ingress controller to publish an address (the Ingress stays Progressing until it does)';

/**
 * Builds the environment tree of one Argo CD Application (DESIGN sections 4 and 5): its waves from
 * `status.resources[].syncWave`, each wave's worst health and combined sync, the running operation
 * and the lowest wave not yet synced and healthy. Pure: the same input gives the same output.
 */
export function buildEnvironment(
  observed: ObservedApplication,
  options: EnvironmentTreeOptions,
): Environment {
  const { application: app, instance } = observed;
  const metadata = app.metadata ?? {};
  const status = app.status ?? {};
  const labels = metadata.labels ?? {};
  const annotations = metadata.annotations ?? {};
  const name = metadata.name ?? '';
  const nodes = options.tree ? indexTree(options.tree) : undefined;

  const waves = buildWaves(status.resources ?? [], {
    componentNames: labels[BLUEBERRY_LABELS.role] === 'environment',
    nodes,
  });
  const phase = status.operationState?.phase;

  return {
    name: labels[BLUEBERRY_LABELS.environment] ?? name,
    instance,
    application: name,
    labels: { ...labels },
    health: knownHealth(status.health?.status) ?? 'Unknown',
    sync: syncStatus(status.sync?.status),
    // A finished operation keeps its phase, so the page can say "Failed, wave 2 not healthy".
    operation: phase ? { phase, wave: lowestUnfinishedWave(waves) } : null,
    revision:
      status.sync?.revision ??
      status.sync?.revisions?.[0] ??
      status.operationState?.syncResult?.revision ??
      null,
    syncedAt: syncedAt(app),
    expiresAt: annotations[BLUEBERRY_ANNOTATIONS.expiresAt] ?? null,
    // Chart authors write these (Ingress hosts, annotations): only http(s) ever reaches a link.
    urls: safeHttpUrls(status.summary?.externalURLs ?? []),
    argocdUrl: options.uiUrl
      ? argoCdUiLink(options.uiUrl, name, metadata.namespace)
      : null,
    waves,
    stale: observed.stale,
    observedAt: observed.observedAt,
    mergeRequestUrl:
      safeHttpUrl(annotations[BLUEBERRY_ANNOTATIONS.mergeRequest]) ?? null,
    commit: commitSha(annotations[BLUEBERRY_ANNOTATIONS.commit]),
    conditions: (status.conditions ?? [])
      .filter(c => c.type)
      .map(c => ({ type: c.type!, message: c.message ?? '' })),
    deletingSince: metadata.deletionTimestamp ?? null,
  };
}

/** Whether the operation is still running (Argo CD is working through the waves). */
export function isOperationRunning(environment: Environment): boolean {
  return (
    environment.operation !== null &&
    RUNNING_PHASES.has(environment.operation.phase)
  );
}

/** The summary of a root (app-of-apps) Application. */
export function buildRootSummary(
  observed: ObservedApplication,
): RootApplicationSummary {
  const status = observed.application.status ?? {};
  return {
    instance: observed.instance,
    application: observed.application.metadata?.name ?? '',
    health: knownHealth(status.health?.status) ?? 'Unknown',
    sync: syncStatus(status.sync?.status),
  };
}

/** A deep link into Argo CD's UI (`/applications/<namespace>/<name>`), every segment encoded. */
export function argoCdUiLink(
  uiUrl: string,
  name: string,
  namespace?: string,
): string {
  const base = uiUrl.replace(/\/+$/, '');
  const ns = namespace ? `${encodeURIComponent(namespace)}/` : '';
  return `${base}/applications/${ns}${encodeURIComponent(name)}`;
}

function buildWaves(
  resources: ArgoResourceStatus[],
  options: { componentNames: boolean; nodes?: TreeIndex },
): EnvironmentWave[] {
  const byWave = new Map<number, EnvironmentResource[]>();
  for (const resource of resources) {
    if (resource.hook) continue; // hooks run and go; they are not part of the environment
    const wave = waveOf(resource);
    const list = byWave.get(wave) ?? [];
    list.push(toResource(resource, options));
    byWave.set(wave, list);
  }
  return [...byWave.entries()]
    .sort(([a], [b]) => a - b)
    .map(([wave, list]) => ({
      wave,
      health: waveHealth(list),
      sync: combinedSync(list.map(r => r.sync)),
      resources: list.sort(compareResources),
    }));
}

function toResource(
  resource: ArgoResourceStatus,
  options: { componentNames: boolean; nodes?: TreeIndex },
): EnvironmentResource {
  const ref = {
    group: resource.group ?? '',
    kind: resource.kind ?? '',
    namespace: resource.namespace ?? '',
    name: resource.name ?? '',
  };
  const node = options.nodes?.byRef.get(refKey(ref));
  const health =
    knownHealth(resource.health?.status) ?? knownHealth(node?.health?.status);
  const result: EnvironmentResource = {
    ...ref,
    health,
    sync: syncStatus(resource.status),
  };
  let message = resource.health?.message ?? node?.health?.message;
  if (ref.kind === 'Ingress' && health === 'Progressing' && !message)
    message = INGRESS_WAITING;
  if (message) result.message = message;
  // The renderer names each component's objects after the component (resources.ts in common).
  if (options.componentNames && ref.kind !== 'Namespace')
    result.component = ref.name;
  if (options.nodes) {
    if (node?.images?.length) result.images = [...node.images];
    result.children = node ? childrenOf(node, options.nodes, new Set()) : [];
  }
  return result;
}

/**
 * A wave's health is its worst member's. Resources without a health check (ConfigMaps, Services)
 * have no health and do not count; a wave with none known is judged by its sync alone.
 */
function waveHealth(resources: EnvironmentResource[]): HealthStatus {
  const known = resources
    .map(r => r.health)
    .filter((h): h is HealthStatus => h !== null);
  if (known.length > 0) return worstHealth(known);
  return resources.every(r => r.sync === 'Synced') ? 'Healthy' : 'Progressing';
}

/** The lowest wave not yet synced and healthy (DESIGN section 5), or null when all are. */
function lowestUnfinishedWave(waves: EnvironmentWave[]): number | null {
  const open = waves.find(w => w.sync !== 'Synced' || w.health !== 'Healthy');
  return open ? open.wave : null;
}

function waveOf(resource: ArgoResourceStatus): number {
  const wave = Number(resource.syncWave ?? 0);
  return Number.isFinite(wave) ? wave : 0;
}

function syncedAt(app: ArgoApplication): string | null {
  const history = app.status?.history ?? [];
  const last = history[history.length - 1];
  if (last?.deployedAt) return last.deployedAt;
  const op = app.status?.operationState;
  return op?.phase === 'Succeeded' && op.finishedAt ? op.finishedAt : null;
}

function knownHealth(status: string | undefined): HealthStatus | null {
  if (!status) return null;
  return (HEALTH_ORDER as readonly string[]).includes(status)
    ? (status as HealthStatus)
    : 'Unknown';
}

function syncStatus(status: string | undefined): SyncStatus {
  return status === 'Synced' || status === 'OutOfSync' ? status : 'Unknown';
}

function compareResources(
  a: EnvironmentResource,
  b: EnvironmentResource,
): number {
  return (
    a.kind.localeCompare(b.kind) ||
    a.namespace.localeCompare(b.namespace) ||
    a.name.localeCompare(b.name)
  );
}

interface TreeIndex {
  byRef: Map<string, ArgoResourceNode>;
  childrenByUid: Map<string, ArgoResourceNode[]>;
}

function refKey(ref: {
  group?: string;
  kind?: string;
  namespace?: string;
  name?: string;
}): string {
  return [
    ref.group ?? '',
    ref.kind ?? '',
    ref.namespace ?? '',
    ref.name ?? '',
  ].join('/');
}

/** Tree nodes carry no wave: they are joined to `status.resources` by group, kind, namespace, name. */
function indexTree(tree: ArgoApplicationTree): TreeIndex {
  const byRef = new Map<string, ArgoResourceNode>();
  const childrenByUid = new Map<string, ArgoResourceNode[]>();
  for (const node of tree.nodes ?? []) {
    byRef.set(refKey(node), node);
    for (const parent of node.parentRefs ?? []) {
      if (!parent.uid) continue;
      const list = childrenByUid.get(parent.uid) ?? [];
      list.push(node);
      childrenByUid.set(parent.uid, list);
    }
  }
  return { byRef, childrenByUid };
}

function childrenOf(
  node: ArgoResourceNode,
  index: TreeIndex,
  seen: Set<string>,
): EnvironmentTreeNode[] {
  if (!node.uid || seen.has(node.uid)) return [];
  seen.add(node.uid);
  return (index.childrenByUid.get(node.uid) ?? [])
    .map(child => {
      const result: EnvironmentTreeNode = {
        group: child.group ?? '',
        kind: child.kind ?? '',
        namespace: child.namespace ?? '',
        name: child.name ?? '',
        health: knownHealth(child.health?.status),
      };
      if (child.health?.message) result.message = child.health.message;
      if (child.images?.length) result.images = [...child.images];
      const grandchildren = childrenOf(child, index, seen);
      if (grandchildren.length) result.children = grandchildren;
      return result;
    })
    .sort(
      (a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name),
    );
}

/** A recorded commit, only when it is a full SHA: the annotation is written by whoever commits. */
function commitSha(value: string | undefined): string | null {
  return value && /^[0-9a-f]{40}$/.test(value) ? value : null;
}
