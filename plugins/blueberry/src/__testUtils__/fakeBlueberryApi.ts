import { Entity } from '@backstage/catalog-model';
import {
  BLUEBERRY_APP_ANNOTATION,
  BLUEBERRY_LABELS,
  combinedSync,
  Environment,
  EnvironmentDriftResponse,
  EnvironmentHistoryItem,
  EnvironmentHistoryResponse,
  EnvironmentResource,
  EnvironmentRollbackResponse,
  EnvironmentsResponse,
  expectedResources,
  HealthStatus,
  SyncStatus,
  worstHealth,
} from '@blueberry-idp/plugin-blueberry-common';
import { BlueberryApi, EnvironmentKey, KeepEnvironmentResponse } from '../api';
import { environmentId } from '../logic/attention';

/**
 * Realistic environments and a fake backend serving them, for tests and the render benchmark. The
 * fake implements the whole BlueberryApi interface in memory and records what it was asked.
 */

/** The fake's clock: its times are relative to when the test started, so "expires in 5 hours" stays true. */
export const NOW = new Date();
const HOUR = 60 * 60 * 1000;
const at = (hoursFromNow: number) =>
  new Date(NOW.getTime() + hoursFromNow * HOUR).toISOString();

export const shopEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'shop',
    namespace: 'default',
    annotations: { [BLUEBERRY_APP_ANNOTATION]: 'shop' },
  },
  spec: {
    type: 'service',
    owner: 'group:default/team-shop',
    lifecycle: 'production',
  },
};

export const unannotatedEntity: Entity = {
  ...shopEntity,
  metadata: { name: 'legacy', namespace: 'default' },
};

const COMPONENTS = [
  { component: 'redis', role: 'database' as const },
  { component: 'shop-backend', role: 'backend' as const },
  { component: 'storefront', role: 'frontend' as const, host: 'storefront' },
];

type ResourceState = Partial<
  Pick<EnvironmentResource, 'health' | 'sync' | 'message' | 'children'>
>;

export interface EnvironmentOptions {
  type?: 'pull-request' | 'feature' | 'long-lived';
  instance?: string;
  /** Resource state by `Kind/name`; every other resource is Healthy and Synced. */
  resources?: Record<string, ResourceState>;
  operation?: Environment['operation'];
  expiresAt?: string | null;
  stale?: boolean;
  /** The Application's own health, when it differs from the worst wave (Argo CD says Progressing mid-sync). */
  health?: HealthStatus;
}

/** One environment of the shop as the backend would serve it, waves built from the wave plan. */
export function makeEnvironment(
  name: string,
  options: EnvironmentOptions = {},
): Environment {
  const type = options.type ?? 'pull-request';
  const host = `${name}.shop.example.com`;
  const expected = expectedResources(
    name,
    COMPONENTS.map(c => ({ ...c, host: c.host && host })),
  );
  const waves = [...new Set(expected.map(r => r.wave))].map(wave => {
    const resources: EnvironmentResource[] = expected
      .filter(r => r.wave === wave)
      .map(r => ({
        group: r.group,
        kind: r.kind,
        namespace: r.namespace,
        name: r.name,
        component: r.component,
        health: (r.kind === 'ConfigMap'
          ? null
          : 'Healthy') as HealthStatus | null,
        sync: 'Synced' as SyncStatus,
        images:
          r.kind === 'Deployment'
            ? [
                `registry.example.com/shop/${r.name}@sha256:${'ab12'.repeat(
                  16,
                )}`,
              ]
            : undefined,
        ...options.resources?.[`${r.kind}/${r.name}`],
      }));
    return {
      wave,
      health: worstHealth(
        resources.map(r => r.health ?? undefined).filter(Boolean),
      ),
      sync: combinedSync(resources.map(r => r.sync)),
      resources,
    };
  });
  // Throw-away environments expire in a week; long-lived ones never do.
  const defaultExpiry = type === 'long-lived' ? null : at(7 * 24);
  const pullRequest = name.startsWith('pr-') ? name.slice(3) : undefined;
  return {
    name,
    instance: options.instance ?? 'argocd-eu',
    application: name,
    labels: {
      [BLUEBERRY_LABELS.environment]: name,
      [BLUEBERRY_LABELS.app]: 'shop',
      [BLUEBERRY_LABELS.role]: 'environment',
      [BLUEBERRY_LABELS.type]: type,
      [BLUEBERRY_LABELS.owner]: 'team-shop',
      ...(pullRequest ? { [BLUEBERRY_LABELS.pullRequest]: pullRequest } : {}),
    },
    health: options.health ?? worstHealth(waves.map(w => w.health)),
    sync: combinedSync(waves.map(w => w.sync)),
    operation: options.operation ?? null,
    revision: '4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39',
    syncedAt: at(-0.15),
    expiresAt:
      options.expiresAt === undefined ? defaultExpiry : options.expiresAt,
    urls: [`https://${host}`],
    argocdUrl: `https://argocd.example.com/applications/argocd/${name}`,
    mergeRequestUrl: pullRequest
      ? `https://gitlab.example.com/shop/shop/-/merge_requests/${pullRequest}`
      : null,
    waves,
    stale: options.stale ?? false,
    observedAt: at(-0.001),
  };
}

/** A sync half way: waves 0 and 1 done, wave 2 rolling out, the Ingress not yet created. */
export const midSync = makeEnvironment('pr-101', {
  health: 'Progressing',
  operation: { phase: 'Running', wave: 2 },
  resources: {
    'Deployment/storefront': { health: 'Progressing', sync: 'OutOfSync' },
    'Service/storefront': { health: 'Missing', sync: 'OutOfSync' },
    'Ingress/storefront': { health: 'Missing', sync: 'OutOfSync' },
  },
});

/** The backend crash-loops. */
export const degraded = makeEnvironment('pr-102', {
  resources: {
    'Deployment/shop-backend': {
      health: 'Degraded',
      message: 'Deployment "shop-backend" exceeded its progress deadline',
      children: [
        {
          group: 'apps',
          kind: 'ReplicaSet',
          namespace: 'blueberry-pr-102',
          name: 'shop-backend-7d9f8',
          health: 'Degraded',
          children: [
            {
              group: '',
              kind: 'Pod',
              namespace: 'blueberry-pr-102',
              name: 'shop-backend-7d9f8-x2kq1',
              health: 'Degraded',
              message: 'back-off 5m0s restarting failed container=backend',
              images: ['registry.example.com/shop/shop-backend@sha256:dead'],
            },
          ],
        },
      ],
    },
  },
});

/** All good, long-lived. */
export const healthy = makeEnvironment('main', { type: 'long-lived' });

/** Healthy, but gone in five hours. */
export const expiring = makeEnvironment('feature-search', {
  type: 'feature',
  expiresAt: at(5.5),
});

export const ENVIRONMENTS = [healthy, expiring, degraded, midSync];

/** What the backend answers for the shop: four environments on one instance, root Healthy. */
export function shopResponse(
  overrides: Partial<EnvironmentsResponse> = {},
): EnvironmentsResponse {
  return {
    root: {
      instance: 'argocd-eu',
      application: 'blueberry-root',
      health: 'Healthy',
      sync: 'Synced',
    },
    items: ENVIRONMENTS,
    errors: [],
    ...overrides,
  };
}

/** Fifty environments, a realistic mix, for the "stays readable" test and the benchmark. */
export function manyEnvironments(count = 50): Environment[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `pr-${1000 + i}`;
    if (i % 10 === 3) return { ...degraded, name, application: name };
    if (i % 10 === 7) return { ...midSync, name, application: name };
    return makeEnvironment(name);
  });
}

/** A made-up commit SHA whose short form (7 characters) is `n` in hex, such as `0000003`. */
export const fakeRevision = (n: number) =>
  n.toString(16).padStart(7, '0').padEnd(40, 'c');

/**
 * An environment's history as the backend serves it: `count` changes, newest first, the newest
 * deployed (current) and each with a digest change in its diff.
 */
export function makeHistory(name: string, count = 3): EnvironmentHistoryItem[] {
  return Array.from({ length: count }, (_, i) => {
    const n = count - i;
    const file = `environments/${name}/components/shop-backend/kustomization.yaml`;
    return {
      revision: fakeRevision(n),
      committedAt: at(-i - 1),
      author: n === 1 ? 'user:default/jane' : 'user:default/guest',
      message: `blueberry: ${
        n === 1 ? 'create' : 'update'
      } environment ${name}\n\nReason: change ${n}`,
      reason: `change ${n}`,
      files: [{ path: file, change: n === 1 ? 'added' : 'modified' }],
      diff: `--- a/${file}\n+++ b/${file}\n-image: shop@sha256:${String(
        n - 1,
      ).repeat(64)}\n+image: shop@sha256:${String(n).repeat(64)}`,
      ...(i < 2 ? { deployedAt: at(-i - 0.5) } : {}),
      current: i === 0,
    };
  });
}

/** An in-memory BlueberryApi. */
export class FakeBlueberryApi implements BlueberryApi {
  response: EnvironmentsResponse;
  failWith?: Error;
  readonly calls = {
    getEnvironments: [] as string[],
    getEnvironment: [] as EnvironmentKey[],
    refreshEnvironment: [] as EnvironmentKey[],
    syncEnvironment: [] as EnvironmentKey[],
    keepEnvironment: [] as EnvironmentKey[],
    getEnvironmentHistory: [] as Array<{
      key: EnvironmentKey;
      limit?: number;
      cursor?: string;
    }>,
    rollbackEnvironment: [] as Array<{ key: EnvironmentKey; revision: string }>,
    getEnvironmentDrift: [] as EnvironmentKey[],
  };
  /** Drift by environment id; an environment without an entry matches Git (and self-heals). */
  drifts = new Map<string, EnvironmentDriftResponse>();
  /** History by environment id; an environment without an entry has `makeHistory`'s. */
  histories = new Map<string, EnvironmentHistoryItem[]>();
  /** When set, rollbacks fail with it (a 409 from the backend, say). */
  rollbackFailure?: Error;

  constructor(response: EnvironmentsResponse = shopResponse()) {
    this.response = response;
  }

  async getEnvironments(entityRef: string): Promise<EnvironmentsResponse> {
    this.calls.getEnvironments.push(entityRef);
    if (this.failWith) throw this.failWith;
    return this.response;
  }

  async getEnvironment(key: EnvironmentKey): Promise<Environment> {
    this.calls.getEnvironment.push(key);
    if (this.failWith) throw this.failWith;
    const found = this.response.items.find(
      e => environmentId(e) === environmentId(key),
    );
    if (!found) throw new Error(`No environment ${environmentId(key)}`);
    return found;
  }

  async refreshEnvironment(key: EnvironmentKey): Promise<void> {
    this.calls.refreshEnvironment.push(key);
  }

  async syncEnvironment(key: EnvironmentKey): Promise<void> {
    this.calls.syncEnvironment.push(key);
  }

  /**
   * Moves the expiry three days on, as the backend's default keepExtension does. Like the backend it
   * answers new objects: what a component already holds does not change under it, so only a
   * component that loads the environment again shows the new expiry.
   */
  async keepEnvironment(key: EnvironmentKey): Promise<KeepEnvironmentResponse> {
    this.calls.keepEnvironment.push(key);
    const environment = await this.getEnvironment(key);
    const previousExpiresAt = environment.expiresAt ?? '';
    const expiresAt = new Date(Date.now() + 72 * 60 * 60 * 1000).toISOString();
    this.response = {
      ...this.response,
      items: this.response.items.map(e =>
        e === environment ? { ...e, expiresAt } : e,
      ),
    };
    return { expiresAt, previousExpiresAt, commit: 'abc1234' };
  }

  async getEnvironmentDrift(
    key: EnvironmentKey,
  ): Promise<EnvironmentDriftResponse> {
    this.calls.getEnvironmentDrift.push(key);
    if (this.failWith) throw this.failWith;
    return this.drifts.get(environmentId(key)) ?? { items: [], selfHeal: true };
  }

  /** Pages of `limit` (default 20); the cursor is the revision the page starts at, as the backend's. */
  async getEnvironmentHistory(
    key: EnvironmentKey,
    page: { limit?: number; cursor?: string } = {},
  ): Promise<EnvironmentHistoryResponse> {
    this.calls.getEnvironmentHistory.push({ key, ...page });
    if (this.failWith) throw this.failWith;
    const items = this.#history(key);
    const start = page.cursor
      ? items.findIndex(i => i.revision === page.cursor)
      : 0;
    const limit = page.limit ?? 20;
    const slice = items.slice(start, start + limit);
    const next = items[start + limit];
    return { items: slice, ...(next ? { nextCursor: next.revision } : {}) };
  }

  /** Adds the restoring commit on top of the history, current once "deployed". */
  async rollbackEnvironment(
    key: EnvironmentKey,
    revision: string,
  ): Promise<EnvironmentRollbackResponse> {
    this.calls.rollbackEnvironment.push({ key, revision });
    if (this.rollbackFailure) throw this.rollbackFailure;
    const items = this.#history(key);
    const target = items.find(i => i.revision === revision);
    if (!target) throw new Error(`Revision ${revision} is not in the history`);
    const restored = fakeRevision(0xfeed0 + items.length);
    this.histories.set(environmentId(key), [
      {
        ...target,
        revision: restored,
        message: `blueberry: roll back environment ${
          key.name
        } to ${revision.slice(0, 12)}`,
        author: 'user:default/guest',
        current: true,
      },
      ...items.map(i => ({ ...i, current: false })),
    ]);
    return { change: { kind: 'commit', revision: restored } };
  }

  #history(key: EnvironmentKey): EnvironmentHistoryItem[] {
    return this.histories.get(environmentId(key)) ?? makeHistory(key.name);
  }
}
