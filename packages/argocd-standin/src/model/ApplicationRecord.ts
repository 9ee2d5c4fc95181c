import {
  ExpectedResource,
  worstHealth,
} from '@blueberry-idp/plugin-blueberry-common';
import {
  Application,
  HealthCode,
  HealthStatus,
  OperationState,
  ResourceStatus,
  kubeTime,
} from './argoTypes';
import { stableUid } from './ids';
import type { SyncRefusal } from './appProject';

/** The namespace Argo CD's Applications live in. */
export const ARGOCD_NAMESPACE = 'argocd';

/** A resource the Application manages, with what the stand-in needs to fake its live state. */
export interface ManagedResource extends ExpectedResource {
  /** Container images of a workload (from the values file). */
  images: string[];
  /** The Ingress host, for Ingresses. */
  host?: string;
}

/** A managed resource and its imagined live state in the cluster. */
export interface LiveResource extends ManagedResource {
  exists: boolean;
  sync: 'Synced' | 'OutOfSync';
  /** Absent for live kinds Argo CD has no health check for (Namespace, ConfigMap), as Argo CD does. */
  health?: HealthStatus;
  uid: string;
  createdAt?: string;
  /** Bumped on every apply, so the resource tree's pods change name like a rollout's would. */
  generation: number;
  /** Edited by hand in the cluster since its last apply (the driftedResources knob). */
  editedLive?: boolean;
}

/** What the Application's manifest in Git says. */
export interface ApplicationManifest {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  finalizers: string[];
  spec: Record<string, unknown>;
}

export interface RevisionHistory {
  id: number;
  revision?: string;
  revisions?: string[];
  deployStartedAt: string;
  deployedAt: string;
  initiatedBy: Record<string, unknown>;
  source?: unknown;
  sources?: unknown[];
}

/** A sync operation in progress: which waves it runs and where it is. */
export interface SyncRun {
  waves: number[];
  index: number;
  /** A refused sync waiting for its next retry (Argo CD's `retry` policy). */
  retrying?: boolean;
}

/** Resource key as Argo CD joins resources: group, kind, namespace, name. */
export function resourceKey(r: {
  group?: string;
  kind: string;
  namespace?: string;
  name: string;
}): string {
  return `${r.group ?? ''}/${r.kind}/${r.namespace ?? ''}/${r.name}`;
}

/**
 * One Application as the stand-in keeps it: its manifest, its managed resources' live state and its
 * sync operation. `toApplication()` renders the object Argo CD's API would serve.
 */
export class ApplicationRecord {
  readonly name: string;
  readonly uid: string;
  readonly createdAt: string;
  manifest: ApplicationManifest;
  resources: LiveResource[] = [];
  revision = '';
  revisions?: string[];
  /** Digest of the Git content the Application was last synced from; a change starts a sync. */
  contentDigest = '';
  operation?: Record<string, unknown>;
  operationState?: OperationState;
  run?: SyncRun;
  history: RevisionHistory[] = [];
  reconciledAt: string;
  deletionTimestamp?: string;
  generation = 1;
  /** Files Argo CD could not render, shown as ComparisonError conditions. */
  problems: string[] = [];
  /**
   * Why the Application's project refuses its spec (source repository, destination, missing
   * project), shown as InvalidSpecError conditions: Argo CD then neither compares nor syncs it.
   */
  specErrors: string[] = [];
  /** Rendered objects the project does not permit: every sync fails before applying anything. */
  refusals: SyncRefusal[] = [];
  #problemsSince = kubeTime();
  #health?: HealthStatus;

  constructor(
    name: string,
    manifest: ApplicationManifest,
    createdAt = kubeTime(),
  ) {
    this.name = name;
    this.manifest = manifest;
    this.uid = stableUid('application', name, createdAt);
    this.createdAt = createdAt;
    this.reconciledAt = createdAt;
  }

  setProblems(problems: string[], specErrors: string[] = []): void {
    if (
      problems.join('\n') !== this.problems.join('\n') ||
      specErrors.join('\n') !== this.specErrors.join('\n')
    )
      this.#problemsSince = kubeTime();
    this.problems = problems;
    this.specErrors = specErrors;
  }

  /** Replace the managed resources, keeping the live state of those that stay. */
  setResources(resources: ManagedResource[]): void {
    const live = new Map(this.resources.map(r => [resourceKey(r), r]));
    this.resources = resources.map(resource => {
      const existing = live.get(resourceKey(resource));
      if (existing) return { ...existing, ...resource };
      return {
        ...resource,
        exists: false,
        sync: 'OutOfSync',
        health: { status: 'Missing' },
        uid: stableUid(
          'resource',
          this.name,
          resourceKey(resource),
          this.createdAt,
        ),
        generation: 0,
      };
    });
  }

  /**
   * The Application's health as Argo CD 3.4+ aggregates it: the worst health of its resources, where a
   * Missing resource only makes the Application Missing when all of them are missing.
   */
  get health(): HealthStatus {
    const statuses = this.resources
      .map(r => r.health?.status)
      .filter((s): s is HealthCode => s !== undefined);
    const present = statuses.filter(s => s !== 'Missing');
    let status: HealthCode;
    // An invalid spec: Argo CD sets health Unknown without looking at resources.
    if (this.specErrors.length) status = 'Unknown';
    else if (statuses.length > 0 && present.length === 0) status = 'Missing';
    // gitops-engine's order (blueberry-common's), as Argo CD's app controller compares them.
    else status = worstHealth(present);
    if (!this.#health) {
      // First judgement: the health has been what it is since the Application was created.
      this.#health = { status, lastTransitionTime: this.createdAt };
    } else if (status !== this.#health.status) {
      this.#health = { status, lastTransitionTime: kubeTime() };
    }
    return this.#health;
  }

  get syncStatus(): 'Synced' | 'OutOfSync' | 'Unknown' {
    // Argo CD cannot compare what it could not render.
    if (this.problems.length || this.specErrors.length) return 'Unknown';
    return this.resources.every(r => r.sync === 'Synced')
      ? 'Synced'
      : 'OutOfSync';
  }

  /** The rendered Application, with per-resource health filled in (as get and watch serve it). */
  toApplication(): Application {
    const spec = this.manifest.spec;
    const sources = Array.isArray(spec.sources)
      ? (spec.sources as unknown[])
      : undefined;
    const sourcesOrSource = sources ? { sources } : { source: spec.source };
    const resources: ResourceStatus[] = this.resources.map(r => {
      const status: ResourceStatus = {
        ...(r.group ? { group: r.group } : {}),
        version: r.version,
        kind: r.kind,
        ...(r.namespace ? { namespace: r.namespace } : {}),
        name: r.name,
        status: r.sync,
      };
      if (r.health) status.health = { ...r.health };
      // syncWave is `omitempty` in Argo CD: wave 0 is absent.
      if (r.wave !== 0) status.syncWave = r.wave;
      return status;
    });
    const externalURLs = this.resources
      .filter(r => r.kind === 'Ingress' && r.host && r.exists)
      .map(r => `https://${r.host}`);
    const images = [
      ...new Set(this.resources.filter(r => r.exists).flatMap(r => r.images)),
    ].sort();
    const summary: Record<string, unknown> = {};
    if (externalURLs.length) summary.externalURLs = externalURLs;
    if (images.length) summary.images = images;

    const metadata: Application['metadata'] & { deletionTimestamp?: string } = {
      name: this.name,
      namespace: ARGOCD_NAMESPACE,
      uid: this.uid,
      generation: this.generation,
      creationTimestamp: this.createdAt,
    };
    if (Object.keys(this.manifest.labels).length)
      metadata.labels = this.manifest.labels;
    if (Object.keys(this.manifest.annotations).length)
      metadata.annotations = this.manifest.annotations;
    if (this.manifest.finalizers.length)
      metadata.finalizers = this.manifest.finalizers;
    if (this.deletionTimestamp)
      metadata.deletionTimestamp = this.deletionTimestamp;

    const sync: Record<string, unknown> = {
      status: this.syncStatus,
      comparedTo: { ...sourcesOrSource, destination: spec.destination ?? {} },
    };
    if (this.revision) sync.revision = this.revision;
    if (this.revisions) sync.revisions = this.revisions;

    const status: Application['status'] = {
      resources,
      sync,
      health: { ...this.health },
      reconciledAt: this.reconciledAt,
      sourceType: sourceType(sources?.[0] ?? spec.source),
      summary,
      controllerNamespace: ARGOCD_NAMESPACE,
      resourceHealthSource: 'appTree',
    };
    if (sources) status.sourceTypes = sources.map(sourceType);
    const conditions = [
      ...this.specErrors.map(message => ({
        type: 'InvalidSpecError',
        message,
      })),
      ...this.problems.map(message => ({ type: 'ComparisonError', message })),
    ];
    if (conditions.length) {
      status.conditions = conditions.map(condition => ({
        ...condition,
        lastTransitionTime: this.#problemsSince,
      }));
    }
    if (this.history.length) status.history = this.history;
    if (this.operationState) status.operationState = this.operationState;

    const application: Application = { metadata, spec, status };
    if (this.operation) application.operation = this.operation;
    return application;
  }
}

function sourceType(source: unknown): string {
  const s = (source ?? {}) as Record<string, unknown>;
  if (s.chart || s.helm) return 'Helm';
  if (s.kustomize) return 'Kustomize';
  if (s.plugin) return 'Plugin';
  return 'Directory';
}
