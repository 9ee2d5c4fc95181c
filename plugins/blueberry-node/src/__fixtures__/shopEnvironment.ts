import { EnvironmentSpec } from '@blueberry-idp/plugin-blueberry-common';
import { RenderOptions } from '../render/types';

const digest = (c: string) => `sha256:${c.repeat(64)}`;

/** A pull-request environment of the shop: a backend, Redis and two frontends. */
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
      name: 'shop-backend',
      role: 'backend',
      image: `registry.example.com/shop/backend@${digest('a')}`,
      chart: {
        repoURL: 'https://charts.example.com/shop',
        chart: 'shop-service',
        targetRevision: '1.4.2',
      },
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
      name: 'redis',
      role: 'database',
      image: `docker.io/library/redis:7.4@${digest('b')}`,
      chart: {
        repoURL: 'oci://registry-1.docker.io/bitnamicharts',
        chart: 'redis',
        targetRevision: '20.6.2',
      },
      values: {
        architecture: 'standalone',
        auth: { existingSecret: 'shop-redis' },
      },
    },
    {
      name: 'storefront',
      role: 'frontend',
      image: `registry.example.com/shop/storefront@${digest('c')}`,
      chart: {
        repoURL: 'https://gitlab.example.com/shop/charts.git',
        path: 'charts/web',
        targetRevision: 'v2.0.0',
      },
      host: 'pr-123.shop.example.com',
    },
    {
      name: 'admin',
      role: 'frontend',
      image: `registry.example.com/shop/admin@${digest('d')}`,
      chart: {
        repoURL: 'https://gitlab.example.com/shop/charts.git',
        path: 'charts/web',
        targetRevision: 'v2.0.0',
      },
      host: 'admin-pr-123.shop.example.com',
      values: {
        service: { port: 8080, annotations: { 'example.com/team': 'shop' } },
      },
    },
  ],
};

export const exampleRenderOptions: RenderOptions = {
  gitops: {
    repoURL: 'https://gitlab.example.com/platform/gitops.git',
    targetRevision: 'main',
  },
};
