import type { ArgoApplication } from '../argocd/types';

/**
 * Keeps only what the environment tree reads, so a thousand cached Applications cost little memory
 * (Argo CD's objects carry full specs, long histories and per-resource sync results).
 */
export function compactApplication(app: ArgoApplication): ArgoApplication {
  const { metadata = {}, spec = {}, status = {} } = app;
  const history = status.history ?? [];
  const last = history[history.length - 1];
  const op = status.operationState;
  return {
    metadata: {
      name: metadata.name,
      namespace: metadata.namespace,
      labels: metadata.labels,
      annotations: keepAnnotations(metadata.annotations),
      resourceVersion: metadata.resourceVersion,
      deletionTimestamp: metadata.deletionTimestamp,
    },
    spec: { project: spec.project, destination: spec.destination },
    status: {
      health: status.health,
      sync: status.sync && {
        status: status.sync.status,
        revision: status.sync.revision,
        revisions: status.sync.revisions,
      },
      operationState: op && {
        phase: op.phase,
        message: op.message,
        startedAt: op.startedAt,
        finishedAt: op.finishedAt,
        syncResult: op.syncResult && { revision: op.syncResult.revision },
      },
      resources: status.resources?.map(r => ({
        group: r.group,
        kind: r.kind,
        namespace: r.namespace,
        name: r.name,
        status: r.status,
        health: r.health,
        hook: r.hook,
        syncWave: r.syncWave,
      })),
      resourceHealthSource: status.resourceHealthSource,
      conditions: status.conditions,
      history: last
        ? [{ deployedAt: last.deployedAt, revision: last.revision }]
        : undefined,
      summary: status.summary && { externalURLs: status.summary.externalURLs },
    },
  };
}

/** Only Blueberry's own annotations are read; others (notification settings, say) are dropped. */
function keepAnnotations(
  annotations?: Record<string, string>,
): Record<string, string> | undefined {
  if (!annotations) return undefined;
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith('blueberry.io/')) kept[key] = value;
  }
  return kept;
}

/** The `fields=` of the initial list: exactly what compactApplication keeps. */
export const LIST_FIELDS = [
  'metadata.resourceVersion',
  'items.metadata.name',
  'items.metadata.namespace',
  'items.metadata.labels',
  'items.metadata.annotations',
  'items.metadata.resourceVersion',
  'items.metadata.deletionTimestamp',
  'items.spec.project',
  'items.spec.destination',
  'items.status.health',
  'items.status.sync',
  'items.status.operationState',
  'items.status.resources',
  'items.status.resourceHealthSource',
  'items.status.conditions',
  'items.status.history',
  'items.status.summary',
];

/** Whether the per-resource health is missing, as in Argo CD 3.x lists (`resourceHealthSource: appTree`). */
export function lacksResourceHealth(app: ArgoApplication): boolean {
  const resources = app.status?.resources ?? [];
  return (
    app.status?.resourceHealthSource === 'appTree' &&
    resources.length > 0 &&
    resources.every(r => !r.health)
  );
}
