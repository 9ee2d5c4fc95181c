/**
 * The three backends under test and what one entity view costs on each: the HTTP calls the backend's
 * own entity card makes to show one entity's Argo CD applications. Ours also runs behind a user's
 * token with the permission policy in the loop, to show what those per-request costs add.
 */

/** The backends compared with each other: ours and the two anchors, all called by a service token. */
export type ComparedKind = 'blueberry' | 'roadie' | 'community';

/**
 * Ours called with a guest user's Backstage token, with the auth and permission backends (allow-all
 * policy) in the same process: with its access cache (the default 10 s), and with it off.
 */
export type UserTokenKind = 'blueberry-user' | 'blueberry-user-uncached';

/** Which Argo CD plugin a benchmarked backend runs, and how it is called. */
export type BackendKind = ComparedKind | UserTokenKind;

export const backendKinds: ComparedKind[] = [
  'blueberry',
  'roadie',
  'community',
];

export const userTokenKinds: UserTokenKind[] = [
  'blueberry-user',
  'blueberry-user-uncached',
];

export function isUserTokenKind(kind: BackendKind): kind is UserTokenKind {
  return (userTokenKinds as BackendKind[]).includes(kind);
}

export const backendLabels: Record<BackendKind, string> = {
  blueberry: 'Blueberry (ours)',
  roadie: 'Roadie argo-cd-backend 4.8.0',
  community: 'community argocd-backend 1.5.0',
  'blueberry-user': 'ours, user token + policy',
  'blueberry-user-uncached': 'ours, user token + policy, access cache off',
};

/**
 * The client counts an entity is loaded with. The variant without the access cache runs once, where
 * the cache saves the most: the small entity (the rest of the view is cheapest) at the most clients.
 */
export function clientCountsOf(
  kind: BackendKind,
  entity: BenchEntity,
  connections: number[],
  smallestEntity: number,
): number[] {
  if (kind !== 'blueberry-user-uncached') return connections;
  return entity.environments === smallestEntity
    ? [Math.max(...connections)]
    : [];
}

/** The Argo CD instance name every backend is configured with. */
export const INSTANCE = 'local';

/** A catalog entity of the benchmark, linked to one synthetic app of the stand-in. */
export interface BenchEntity {
  name: string;
  /** The synthetic `blueberry.io/app` value whose environments the entity shows. */
  app: string;
  environments: number;
}

/** The paths one entity view requests, in order, as each plugin's own card calls them. */
export function viewPaths(kind: BackendKind, entity: BenchEntity): string[] {
  const selector = encodeURIComponent(`blueberry.io/app=${entity.app}`);
  const instance = encodeURIComponent(INSTANCE);
  switch (kind) {
    case 'blueberry':
    case 'blueberry-user':
    case 'blueberry-user-uncached':
      return [
        `/api/blueberry/environments?entityRef=${encodeURIComponent(
          `component:default/${entity.name}`,
        )}`,
      ];
    case 'roadie':
      // Roadie's card first finds the instances holding the apps, then lists them per instance.
      return [
        `/api/argocd/find/selector/${selector}`,
        `/api/argocd/argoInstance/${instance}/applications/selector/${selector}`,
      ];
    case 'community':
      return [
        `/api/backstage-community-argocd/argoInstance/${instance}/applications/selector/${selector}`,
      ];
    default:
      throw new Error(`unknown backend ${kind}`);
  }
}

/**
 * The backend's configuration: the same for all three (a real Backstage backend on SQLite in memory,
 * the catalog with the benchmark's entities, one static external-access token as the caller's
 * credentials), plus each plugin's own keys pointing at the stand-in with a static Argo CD token, so
 * none of them logs in to Argo CD per call. The user-token variants of ours add guest sign-in (allowed
 * under NODE_ENV=production by the guest provider's own switch) and the permission framework.
 */
export function backendConfig(options: {
  kind: BackendKind;
  port: number;
  argocdUrl: string;
  argocdToken: string;
  callerToken: string;
  catalogFile: string;
}): object {
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const common = {
    app: { baseUrl: 'http://127.0.0.1:3000' },
    backend: {
      baseUrl,
      listen: { port: options.port, host: '127.0.0.1' },
      database: { client: 'better-sqlite3', connection: ':memory:' },
      auth: {
        externalAccess: [
          {
            type: 'static',
            options: { token: options.callerToken, subject: 'bench-load' },
          },
        ],
      },
    },
    catalog: {
      locations: [{ type: 'file', target: options.catalogFile }],
    },
  };
  const instance = {
    name: INSTANCE,
    url: options.argocdUrl,
    token: options.argocdToken,
  };
  if (options.kind === 'blueberry') {
    return { ...common, blueberry: { argocd: { instances: [instance] } } };
  }
  if (isUserTokenKind(options.kind)) {
    return {
      ...common,
      auth: {
        providers: { guest: { dangerouslyAllowOutsideDevelopment: true } },
      },
      permission: { enabled: true },
      blueberry: {
        argocd: { instances: [instance] },
        ...(options.kind === 'blueberry-user-uncached'
          ? { accessCacheTtlSeconds: 0 }
          : {}),
      },
    };
  }
  // Roadie's and the community's backends read the same keys.
  return {
    ...common,
    argocd: {
      appLocatorMethods: [{ type: 'config', instances: [instance] }],
    },
  };
}

/** The catalog entities as a YAML-compatible JSON document list. */
export function catalogEntities(entities: BenchEntity[]): string {
  return entities
    .map(entity =>
      JSON.stringify({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: entity.name,
          annotations: {
            // Ours links by the app label; the anchors by a label selector and instance.
            'blueberry.io/app': entity.app,
            'argocd/app-selector': `blueberry.io/app=${entity.app}`,
            'argocd/instance-name': INSTANCE,
          },
        },
        spec: { type: 'service', lifecycle: 'production', owner: 'bench' },
      }),
    )
    .join('\n---\n');
}
