import { ApplicationRecord, LiveResource } from './model/ApplicationRecord';
import { kubeTime } from './model/argoTypes';
import { fakeSha } from './model/ids';
import { toManifest } from './gitops/snapshot';
import {
  childApplicationManifest,
  fixtureObjects,
  typicalEnvironment,
} from './gitops/layout';
import { managedResourcesFrom } from './render/objects';

/** The scale knob: many Applications that exist in no repository, already Synced and Healthy. */
export interface SyntheticOptions {
  /** How many Applications. */
  count: number;
  /** Over how many `blueberry.io/app` values (`app-01`, `app-02`, ...) they spread. */
  apps: number;
  /**
   * Exact environment counts for the first apps (e.g. `[20, 200]`: app-01 has 20, app-02 has 200);
   * the rest spread evenly over the remaining apps.
   */
  environmentsPerApp?: number[];
}

/** Names of the synthetic apps, `app-01`... */
export function syntheticAppName(index: number): string {
  return `app-${String(index + 1).padStart(2, '0')}`;
}

/** How many environments each synthetic app gets. */
export function syntheticDistribution(options: SyntheticOptions): number[] {
  const explicit = options.environmentsPerApp ?? [];
  if (options.apps < 1 || explicit.length > options.apps) {
    throw new Error(
      'synthetic: apps must be at least 1 and at least environmentsPerApp.length',
    );
  }
  const fixed = explicit.reduce((a, b) => a + b, 0);
  const remaining = options.count - fixed;
  const others = options.apps - explicit.length;
  if (remaining < 0 || (remaining > 0 && others === 0)) {
    throw new Error(
      `synthetic: count ${
        options.count
      } does not fit environmentsPerApp ${JSON.stringify(explicit)} over ${
        options.apps
      } apps`,
    );
  }
  const spread = Array.from(
    { length: others },
    (_, i) => Math.floor(remaining / others) + (i < remaining % others ? 1 : 0),
  );
  return [...explicit, ...spread];
}

/**
 * Deterministic synthetic Applications: the same options give the same names, labels and revisions.
 * Each is an environment of Redis, a backend and a frontend, settled (Synced, Healthy, a succeeded
 * operation and one history entry).
 */
export function syntheticApplications(
  options: SyntheticOptions,
): ApplicationRecord[] {
  const createdAt = kubeTime(new Date('2026-01-01T00:00:00Z'));
  const records: ApplicationRecord[] = [];
  syntheticDistribution(options).forEach((count, appIndex) => {
    const app = syntheticAppName(appIndex);
    for (let i = 1; i <= count; i++) {
      const name = `${app}-pr-${i}`;
      // Built as objects, not through YAML: thousands of these must start in a moment.
      const env = typicalEnvironment(name, app, i);
      const record = new ApplicationRecord(
        name,
        toManifest(childApplicationManifest(env)),
        createdAt,
      );
      record.setResources(managedResourcesFrom(fixtureObjects(env), name));
      const revision = fakeSha('synthetic', name);
      record.resources = record.resources.map(settled(createdAt));
      record.revision = revision;
      const sources = record.manifest.spec.sources as any[];
      record.revisions = sources.map(s =>
        s.chart ? String(s.targetRevision) : revision,
      );
      record.reconciledAt = createdAt;
      const operation = {
        sync: { revisions: record.revisions, prune: true },
        initiatedBy: { automated: true },
        retry: {},
      };
      record.operationState = {
        operation,
        phase: 'Succeeded',
        message: 'successfully synced (all tasks run)',
        startedAt: createdAt,
        finishedAt: createdAt,
        syncResult: {
          resources: record.resources.map(r => ({
            group: r.group,
            version: r.version,
            kind: r.kind,
            namespace: r.namespace,
            name: r.name,
            status: 'Synced',
            message: `${r.kind.toLowerCase()}${r.group ? `.${r.group}` : ''}/${
              r.name
            } created`,
            hookPhase: 'Running',
            syncPhase: 'Sync',
            ...(r.images.length ? { images: r.images } : {}),
          })),
          revision,
          revisions: record.revisions,
          sources,
        },
      };
      record.history = [
        {
          id: 0,
          revisions: record.revisions,
          deployStartedAt: createdAt,
          deployedAt: createdAt,
          initiatedBy: { automated: true },
          sources,
        },
      ];
      records.push(record);
    }
  });
  return records;
}

function settled(createdAt: string) {
  return (r: LiveResource): LiveResource => {
    const hasHealth = !['Namespace', 'ConfigMap'].includes(r.kind);
    const { health: _missing, ...rest } = r;
    return {
      ...rest,
      exists: true,
      sync: 'Synced',
      generation: 1,
      createdAt,
      ...(hasHealth ? { health: { status: 'Healthy' as const } } : {}),
    };
  };
}
