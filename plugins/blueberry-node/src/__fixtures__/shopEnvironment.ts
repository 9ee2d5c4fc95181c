import { EnvironmentSpec } from '@blueberry-idp/plugin-blueberry-common';
import { RenderOptions } from '../render/types';
import { shopSourceRepos } from '../testUtils/shopEnvironment';
import {
  shopBackendComponent,
  shopRedisComponent,
  shopStorefrontComponent,
  testDigest,
} from '../testUtils/shopEnvironment';

/**
 * A pull-request environment of the shop: a backend on the example `shop-service` chart, Redis on the
 * example `redis` chart, and two frontends on an unmodified `helm create web` chart, from a chart
 * repository and both OCI spellings Argo CD accepts. The conformance suite (packages/e2e-tests)
 * renders it with the real helm and kustomize, its charts served locally.
 *
 * @public
 */
export const shopPullRequestSpec: EnvironmentSpec = {
  name: 'pr-123',
  app: 'shop',
  owner: 'group:default/team-shop',
  type: 'pull-request',
  pullRequest: 123,
  mergeRequestUrl: 'https://gitlab.example.com/shop/shop/-/merge_requests/123',
  expiresAt: '2030-01-04T12:00:00Z',
  sourceEntity: 'system:default/shop',
  components: [
    {
      ...shopBackendComponent(),
      host: 'api-pr-123.shop.example.com',
      values: {
        env: { LOG_LEVEL: 'debug' },
        database: {
          existingSecret: 'shop-db',
          existingSecretPasswordKey: 'password',
        },
        replicaCount: 1,
      },
    },
    {
      ...shopRedisComponent(),
      image: `docker.io/library/redis:7.4@${testDigest('b')}`,
      values: {
        architecture: 'standalone',
        auth: { existingSecret: 'shop-redis' },
      },
    },
    shopStorefrontComponent(),
    {
      name: 'admin',
      role: 'frontend',
      image: `registry.example.com/shop/admin@${testDigest('d')}`,
      // The Helm OCI repository spelling: no scheme, and the chart's name apart.
      chart: {
        repoURL: 'registry.example.com/shop/charts',
        chart: 'web',
        targetRevision: '0.1.0',
      },
      host: 'admin-pr-123.shop.example.com',
      values: {
        service: { port: 8080, annotations: { 'example.com/team': 'shop' } },
      },
    },
  ],
  // What the backend's and Redis's existingSecret point at, made in wave 0.
  secrets: [
    {
      kind: 'ExternalSecret',
      name: 'shop-db',
      spec: {
        secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' },
        refreshInterval: '1h',
        data: [
          {
            secretKey: 'password',
            remoteRef: { key: 'shop/pr-123/db', property: 'password' },
          },
        ],
      },
    },
    {
      kind: 'SealedSecret',
      name: 'shop-redis',
      spec: {
        encryptedData: {
          'redis-password': 'AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq',
        },
      },
    },
  ],
};

/** @public */
export const exampleRenderOptions: RenderOptions = {
  gitops: {
    repoURL: 'https://gitlab.example.com/platform/gitops.git',
    targetRevision: 'main',
    sourceRepos: shopSourceRepos(),
  },
};
