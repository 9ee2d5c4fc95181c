import { Knobs } from '../knobs';
import { ApplicationRecord, LiveResource } from './ApplicationRecord';
import { HealthStatus, ResourceResult, kubeTime } from './argoTypes';

/**
 * The sync operation, wave by wave, as Argo CD's gitops-engine runs it: apply a wave, wait until its
 * resources are healthy, then the next; the operation stays Running while a wave waits (a Degraded
 * workload or an Ingress without an address holds it there), and succeeds after the last wave.
 */

const HISTORY_LIMIT = 10;

export interface SyncInitiator {
  automated?: boolean;
  username?: string;
}

/** Starts a sync of the record's current resources at its current revision, and applies wave one. */
export function beginSync(
  record: ApplicationRecord,
  initiatedBy: SyncInitiator,
  knobs: Knobs,
): void {
  const spec = record.manifest.spec;
  const syncPolicy = (spec.syncPolicy ?? {}) as Record<string, unknown>;
  const syncOptions = Array.isArray(syncPolicy.syncOptions)
    ? syncPolicy.syncOptions
    : undefined;
  const operation: Record<string, unknown> = {
    sync: {
      ...(record.revisions
        ? { revisions: record.revisions }
        : { revision: record.revision }),
      prune: Boolean(
        (syncPolicy.automated as Record<string, unknown> | undefined)?.prune,
      ),
      ...(syncOptions ? { syncOptions } : {}),
    },
    initiatedBy,
    // An automated sync takes the Application's retry policy, as Argo CD's controller copies it.
    retry: initiatedBy.automated ? retryPolicy(syncPolicy) : {},
  };
  for (const resource of record.resources) resource.sync = 'OutOfSync';
  const sources = Array.isArray(spec.sources) ? spec.sources : undefined;
  record.operation = operation;
  record.operationState = {
    operation,
    phase: 'Running',
    message: 'one or more tasks are running',
    startedAt: kubeTime(),
    syncResult: {
      resources: [],
      revision: record.revision,
      ...(record.revisions ? { revisions: record.revisions } : {}),
      ...(sources ? { sources } : { source: spec.source }),
    },
  };
  if (record.specErrors.length) {
    // SyncAppState compares first; error conditions end the operation (FormatAppConditions).
    record.operationState.phase = 'Error';
    record.operationState.message = record.specErrors
      .map(message => `InvalidSpecError: ${message}`)
      .join(';');
    record.operationState.finishedAt = kubeTime();
    record.operation = undefined;
    return;
  }
  if (record.refusals.length) {
    refuseSync(record);
    return;
  }
  const waves = [...new Set(record.resources.map(r => r.wave))].sort(
    (a, b) => a - b,
  );
  record.run = { waves, index: -1 };
  applyNextWave(record, knobs);
}

function retryPolicy(syncPolicy: Record<string, unknown>) {
  const retry = syncPolicy.retry as Record<string, unknown> | undefined;
  return retry && typeof retry === 'object' ? retry : {};
}

/** Go's time.Kitchen, as Argo CD writes the time of the next retry: `3:04PM`. */
function kitchenTime(date: Date): string {
  const hours = date.getUTCHours();
  const minutes = String(date.getUTCMinutes()).padStart(2, '0');
  return `${hours % 12 || 12}:${minutes}${hours < 12 ? 'AM' : 'PM'}`;
}

/**
 * A sync whose objects the project does not permit, as gitops-engine fails it: every refused object
 * gets a SyncFailed result, nothing is applied, and the operation fails with "one or more
 * synchronization tasks are not valid: <messages>". While the retry policy allows, Argo CD's
 * controller sets it Running again with "Retrying attempt #n"; advanceSync runs those attempts
 * (one per wave delay, the stand-in's clock), each refused the same way, then it stays Failed.
 */
function refuseSync(record: ApplicationRecord): void {
  const state = record.operationState!;
  const messages = [...new Set(record.refusals.map(r => r.message))].sort();
  state.syncResult!.resources = record.refusals.map(
    ({ resource, message }) => ({
      group: resource.group,
      version: resource.version,
      kind: resource.kind,
      namespace: resource.namespace,
      name: resource.name,
      status: 'SyncFailed',
      message,
      hookPhase: '',
      syncPhase: 'Sync',
    }),
  );
  const message = `one or more synchronization tasks are not valid: ${messages.join(
    '; ',
  )}`;
  const now = new Date();
  state.finishedAt = kubeTime(now);
  const retry = state.operation.retry as { limit?: number };
  const retryCount = state.retryCount ?? 0;
  const limit = Number(retry?.limit ?? 0);
  if (retryCount < limit || limit < 0) {
    state.phase = 'Running';
    state.retryCount = retryCount + 1;
    state.message = `${message}. Retrying attempt #${
      state.retryCount
    } at ${kitchenTime(now)}.`;
    record.run = { waves: [], index: 0, retrying: true };
  } else {
    state.phase = 'Failed';
    state.message = message;
    record.run = undefined;
    record.operation = undefined;
  }
}

/** Whether the record has a sync waiting on a wave. */
export function isSyncing(record: ApplicationRecord): boolean {
  return record.run !== undefined;
}

/**
 * Moves the running sync on: the current wave's workloads finish rolling out (or go Degraded), its
 * Ingresses get an address (unless withheld); when all of the wave is healthy the next wave is applied,
 * or the operation succeeds. Returns whether anything visible changed.
 */
export function advanceSync(record: ApplicationRecord, knobs: Knobs): boolean {
  const run = record.run;
  if (!run) return false;
  if (run.retrying) {
    refuseSync(record);
    return true;
  }
  const wave = run.waves[run.index];
  const inWave = record.resources.filter(r => r.wave === wave);
  let changed = false;
  for (const resource of inWave) {
    const next = settledHealth(record.name, resource, knobs);
    if (next && !sameHealth(next, resource.health)) {
      resource.health = next;
      changed = true;
    }
  }
  const waiting = inWave.filter(r => r.health && r.health.status !== 'Healthy');
  if (waiting.length > 0) {
    const message = waitingMessage(waiting);
    if (record.operationState && record.operationState.message !== message) {
      record.operationState.message = message;
      changed = true;
    }
    return changed;
  }
  if (run.index + 1 < run.waves.length) applyNextWave(record, knobs);
  else finishSync(record);
  return true;
}

function applyNextWave(record: ApplicationRecord, knobs: Knobs): void {
  const run = record.run!;
  run.index += 1;
  const wave = run.waves[run.index];
  const results = record.operationState!.syncResult!.resources!;
  for (const resource of record.resources.filter(r => r.wave === wave)) {
    const created = !resource.exists;
    resource.exists = true;
    resource.sync = 'Synced';
    resource.editedLive = false;
    resource.generation += 1;
    if (created) resource.createdAt = kubeTime();
    resource.health = appliedHealth(resource, knobs);
    const result: ResourceResult = {
      group: resource.group,
      version: resource.version,
      kind: resource.kind,
      namespace: resource.namespace,
      name: resource.name,
      status: 'Synced',
      message: `${kubectlKind(resource)}/${resource.name} ${
        created ? 'created' : 'configured'
      }`,
      hookPhase: 'Running',
      syncPhase: 'Sync',
    };
    if (resource.images.length) result.images = resource.images;
    results.push(result);
  }
  const waiting = record.resources.filter(
    r => r.wave === wave && r.health && r.health.status !== 'Healthy',
  );
  record.operationState!.message = waiting.length
    ? waitingMessage(waiting)
    : 'one or more tasks are running';
}

function finishSync(record: ApplicationRecord): void {
  const state = record.operationState!;
  const now = kubeTime();
  state.phase = 'Succeeded';
  state.message = 'successfully synced (all tasks run)';
  state.finishedAt = now;
  record.run = undefined;
  record.operation = undefined;
  const spec = record.manifest.spec;
  const id = (record.history[record.history.length - 1]?.id ?? -1) + 1;
  record.history.push({
    id,
    ...(record.revisions
      ? { revisions: record.revisions }
      : { revision: record.revision }),
    deployStartedAt: state.startedAt,
    deployedAt: now,
    initiatedBy: state.operation.initiatedBy as Record<string, unknown>,
    ...(Array.isArray(spec.sources)
      ? { sources: spec.sources }
      : { source: spec.source }),
  });
  if (record.history.length > HISTORY_LIMIT) record.history.shift();
}

/** Health right after `kubectl apply`, per kind, as gitops-engine's health checks see it. */
function appliedHealth(
  resource: LiveResource,
  knobs: Knobs,
): HealthStatus | undefined {
  switch (resource.kind) {
    case 'Deployment':
      return {
        status: 'Progressing',
        message: `Waiting for rollout to finish: 0 of 1 updated replicas are available...`,
      };
    case 'StatefulSet':
      return {
        status: 'Progressing',
        message: 'Waiting for 1 pods to be ready...',
      };
    case 'Service':
      return { status: 'Healthy' };
    case 'Ingress':
      return { status: 'Progressing' };
    case 'Application':
      // The root's children: their health is copied from the child Application as it goes.
      return resource.health && resource.health.status !== 'Missing'
        ? resource.health
        : { status: 'Progressing' };
    default:
      // Namespace, ConfigMap: Argo CD has no health check for them, so they carry none.
      void knobs;
      return undefined;
  }
}

/** Health once the wave's delay has passed; undefined keeps the current one. */
function settledHealth(
  application: string,
  resource: LiveResource,
  knobs: Knobs,
): HealthStatus | undefined {
  switch (resource.kind) {
    case 'Deployment':
    case 'StatefulSet': {
      const degraded =
        knobs.degradedWave === resource.wave &&
        (knobs.degradedApplications.length === 0 ||
          knobs.degradedApplications.includes(application));
      if (degraded) {
        return resource.kind === 'Deployment'
          ? {
              status: 'Degraded',
              message: `Deployment "${resource.name}" exceeded its progress deadline`,
            }
          : {
              status: 'Degraded',
              message: `StatefulSet "${resource.name}" pod ${resource.name}-0 is in CrashLoopBackOff`,
            };
      }
      return { status: 'Healthy' };
    }
    case 'Ingress':
      return knobs.withholdIngressAddresses
        ? { status: 'Progressing' }
        : { status: 'Healthy' };
    default:
      return undefined;
  }
}

function waitingMessage(waiting: LiveResource[]): string {
  const r = waiting[0];
  return `waiting for healthy state of ${r.group ? `${r.group}/` : '/'}${
    r.kind
  }/${r.name}`;
}

function kubectlKind(resource: LiveResource): string {
  const kind = resource.kind.toLowerCase();
  return resource.group ? `${kind}.${resource.group}` : kind;
}

function sameHealth(a: HealthStatus, b: HealthStatus | undefined): boolean {
  return b !== undefined && a.status === b.status && a.message === b.message;
}
