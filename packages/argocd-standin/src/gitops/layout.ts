import { stringify } from 'yaml';
import {
  BLUEBERRY_LABELS,
  ComponentRole,
  RESOURCES_FINALIZER,
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
const CHART_REPO = 'https://charts.example.com';

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

/** The child Application's manifest (multi-source: a Helm source per component, a `ref: values`). */
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
        ...env.components.map(c => ({
          repoURL: CHART_REPO,
          chart: c.role === 'database' ? 'redis' : 'web-service',
          targetRevision: '1.0.0',
          helm: {
            releaseName: c.name,
            valueFiles: [
              `$values/environments/${env.name}/values/${c.name}.yaml`,
            ],
          },
        })),
        { repoURL, targetRevision: 'main', ref: 'values' },
        {
          repoURL,
          targetRevision: 'main',
          path: `environments/${env.name}/manifests`,
        },
      ],
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['CreateNamespace=true'],
        managedNamespaceMetadata: { labels: environmentLabels(env) },
      },
    },
  };
}

/** The files of one environment, path to content. */
export function environmentFiles(
  env: FixtureEnvironment,
  repoURL = FIXTURE_REPO_URL,
): Record<string, string> {
  const dir = `environments/${env.name}`;
  const files: Record<string, string> = {
    [`${dir}/application.yaml`]: stringify(
      childApplicationManifest(env, repoURL),
    ),
    [`${dir}/manifests/namespace.yaml`]: stringify({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: env.name,
        labels: environmentLabels(env),
        annotations: { 'argocd.argoproj.io/sync-wave': '0' },
      },
    }),
  };
  for (const c of env.components) {
    const wave = waveOfRole(c.role);
    files[`${dir}/values/${c.name}.yaml`] = stringify({
      blueberry: {
        environment: env.name,
        component: c.name,
        role: c.role,
        wave,
        ...(c.host ? { host: c.host } : {}),
      },
      ...(c.image ? { image: c.image } : {}),
      podAnnotations: { 'argocd.argoproj.io/sync-wave': String(wave) },
      ...(c.host ? { ingress: { enabled: true, host: c.host } } : {}),
    });
  }
  return files;
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
