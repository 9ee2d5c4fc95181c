import type {
  ComponentSpec,
  EnvironmentSpec,
} from '@blueberry-idp/plugin-blueberry-common';

// The components are functions: each call makes new objects, so a test may change its own.

/**
 * The `blueberry.gitops.sourceRepos` that allow the shop's charts (Argo CD globs): its chart
 * repository and its OCI registry, in both of Argo CD's OCI spellings.
 *
 * @public
 */
export const shopSourceRepos = (): string[] => [
  'https://charts.example.com/*',
  'oci://registry.example.com/shop/charts/*',
  'registry.example.com/shop/charts',
];

/**
 * A made-up image digest: `c` (one hex digit) 64 times.
 *
 * @public
 */
export const testDigest = (c: string) => `sha256:${c.repeat(64)}`;

/**
 * The shop's backend: an image pinned by digest, a chart from a chart repository.
 *
 * @public
 */
export const shopBackendComponent = (): ComponentSpec => ({
  name: 'shop-backend',
  role: 'backend',
  image: `registry.example.com/shop/backend@${testDigest('a')}`,
  chart: {
    repoURL: 'https://charts.example.com/shop',
    chart: 'shop-service',
    targetRevision: '1.4.2',
  },
});

/**
 * The shop's Redis: a database whose chart is an OCI artifact (Argo CD's
 * `oci://<registry>/<path>/<chart>` spelling), with the chart's own image.
 *
 * @public
 */
export const shopRedisComponent = (): ComponentSpec => ({
  name: 'redis',
  role: 'database',
  chart: {
    repoURL: 'oci://registry.example.com/shop/charts/redis',
    targetRevision: '7.4.2',
  },
});

/**
 * The shop's storefront of pr-123: a frontend with a preview host, on the chart `helm create web`
 * makes (published unchanged to the shop's chart repository).
 *
 * @public
 */
export const shopStorefrontComponent = (): ComponentSpec => ({
  name: 'storefront',
  role: 'frontend',
  image: `registry.example.com/shop/storefront@${testDigest('c')}`,
  chart: {
    repoURL: 'https://charts.example.com/shop',
    chart: 'web',
    targetRevision: '0.1.0',
  },
  host: 'pr-123.shop.example.com',
});

/**
 * The shop's pull-request environment `pr-<n>` (its backend and Redis unless `overrides` say
 * otherwise), valid for validation and rendering.
 *
 * @public
 */
export function shopPullRequestEnvironment(
  name: string,
  overrides: Partial<EnvironmentSpec> = {},
): EnvironmentSpec {
  return {
    name,
    app: 'shop',
    owner: 'group:default/team-shop',
    type: 'pull-request',
    pullRequest: Number(name.slice('pr-'.length)),
    components: [shopBackendComponent(), shopRedisComponent()],
    ...overrides,
  };
}
