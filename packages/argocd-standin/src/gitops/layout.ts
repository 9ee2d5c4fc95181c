import { stringify } from 'yaml';
import {
  BLUEBERRY_LABELS,
  ComponentRole,
  INGRESS_WAVE,
  RESOURCES_FINALIZER,
  SYNC_WAVE_ANNOTATION,
  waveOfRole,
} from '@blueberry-idp/plugin-blueberry-common';

/**
 * A minimal writer of the GitOps layout of DESIGN section 3, for the stand-in's own fixtures, its
 * synthetic environments and its benchmark. It is not Blueberry's renderer (that is
 * `@blueberry-idp/plugin-blueberry-node`); it writes just what the stand-in reads.
 */
export interface FixtureComponent {
  name: string;
  role: ComponentRole;
  host?: string;
  image?: string;
}

export interface FixtureEnvironment {
  name: string;
  app: string;
  type?: 'pull-request' | 'feature' | 'long-lived';
  pullRequest?: number;
  owner?: string;
  components: FixtureComponent[];
}

export const FIXTURE_REPO_URL =
  'https://gitlab.example.com/platform/gitops.git';

export function environmentLabels(
  env: FixtureEnvironment,
): Record<string, string> {
  return {
    [BLUEBERRY_LABELS.environment]: env.name,
    [BLUEBERRY_LABELS.app]: env.app,
    [BLUEBERRY_LABELS.role]: 'environment',
    [BLUEBERRY_LABELS.type]: env.type ?? 'pull-request',
    ...(env.pullRequest !== undefined
      ? { [BLUEBERRY_LABELS.pullRequest]: String(env.pullRequest) }
      : {}),
    [BLUEBERRY_LABELS.owner]: env.owner ?? 'team-a',
  };
}

/**
 * The child Application's manifest: one directory source over the environment's plain manifests,
 * which the stand-in renders as Argo CD renders a directory source.
 */
export function childApplicationManifest(
  env: FixtureEnvironment,
  repoURL = FIXTURE_REPO_URL,
) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: env.name,
      namespace: 'argocd',
      labels: environmentLabels(env),
      finalizers: [RESOURCES_FINALIZER],
    },
    spec: {
      project: 'default',
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: env.name,
      },
      sources: [
        {
          repoURL,
          targetRevision: 'main',
          path: `environments/${env.name}/manifests`,
        },
      ],
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    },
  };
}

const wave = (n: number) => ({ [SYNC_WAVE_ANNOTATION]: String(n) });

/**
 * The objects of an environment as a chart would render them: its Namespace, and per component a
 * ConfigMap (wave 0), its workload and Service (the role's wave; a StatefulSet for a database) and,
 * with a host, an Ingress (wave 3).
 */
export function fixtureObjects(env: FixtureEnvironment): object[] {
  const labels = environmentLabels(env);
  const objects: object[] = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: env.name, labels, annotations: wave(0) },
    },
  ];
  for (const c of env.components) {
    const roleWave = waveOfRole(c.role);
    const meta = (w: number) => ({
      name: c.name,
      namespace: env.name,
      labels,
      annotations: wave(w),
    });
    const selector = { 'app.kubernetes.io/instance': c.name };
    objects.push(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(0), data: {} },
      {
        apiVersion: 'apps/v1',
        kind: c.role === 'database' ? 'StatefulSet' : 'Deployment',
        metadata: meta(roleWave),
        spec: {
          selector: { matchLabels: selector },
          template: {
            metadata: { labels: selector },
            spec: {
              containers: c.image ? [{ name: c.name, image: c.image }] : [],
            },
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta(roleWave),
        spec: { selector, ports: [{ port: 80 }] },
      },
    );
    if (c.host) {
      objects.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: meta(INGRESS_WAVE),
        spec: {
          rules: [
            {
              host: c.host,
              http: {
                paths: [
                  {
                    path: '/',
                    pathType: 'Prefix',
                    backend: {
                      service: { name: c.name, port: { number: 80 } },
                    },
                  },
                ],
              },
            },
          ],
        },
      });
    }
  }
  return objects;
}

/** The files of one environment, path to content. */
export function environmentFiles(
  env: FixtureEnvironment,
  repoURL = FIXTURE_REPO_URL,
): Record<string, string> {
  const dir = `environments/${env.name}`;
  return {
    [`${dir}/application.yaml`]: stringify(
      childApplicationManifest(env, repoURL),
    ),
    [`${dir}/manifests/objects.yaml`]: fixtureObjects(env)
      .map(object => stringify(object))
      .join('---\n'),
  };
}

/** A typical environment: Redis, a backend and a frontend with a preview host. */
export function typicalEnvironment(
  name: string,
  app: string,
  pullRequest?: number,
): FixtureEnvironment {
  const digest = (seed: string) =>
    `sha256:${Buffer.from(`${app}/${seed}`)
      .toString('hex')
      .padEnd(64, '0')
      .slice(0, 64)}`;
  return {
    name,
    app,
    type: pullRequest === undefined ? 'feature' : 'pull-request',
    pullRequest,
    components: [
      { name: 'redis', role: 'database' },
      {
        name: 'api',
        role: 'backend',
        image: `registry.example.com/${app}/api@${digest('api')}`,
      },
      {
        name: 'web',
        role: 'frontend',
        host: `${name}.${app}.preview.example.com`,
        image: `registry.example.com/${app}/web@${digest('web')}`,
      },
    ],
  };
}
