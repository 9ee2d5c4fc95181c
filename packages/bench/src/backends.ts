/**
 * The three backends under test and what one entity view costs on each: the HTTP calls the backend's
 * own entity card makes to show one entity's Argo CD applications.
 */

/** Which Argo CD plugin a benchmarked backend runs. */
export type BackendKind = 'blueberry' | 'roadie' | 'community';

export const backendKinds: BackendKind[] = ['blueberry', 'roadie', 'community'];

export const backendLabels: Record<BackendKind, string> = {
  blueberry: 'Blueberry (ours)',
  roadie: 'Roadie argo-cd-backend 4.8.0',
  community: 'community argocd-backend 1.5.0',
};

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
 * none of them logs in to Argo CD per call.
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
