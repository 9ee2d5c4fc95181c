import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

const digest = (c: string) => `sha256:${c.repeat(64)}`;

export const examples: TemplateExample[] = [
  {
    description:
      'A pull-request environment of the shop: a backend, Redis and two frontends, expiring after 3 days',
    example: yaml.stringify({
      steps: [
        {
          id: 'render',
          action: 'blueberry:environment:create',
          name: 'Render the environment',
          input: {
            name: 'pr-123',
            app: 'shop',
            owner: 'group:default/team-shop',
            type: 'pull-request',
            pullRequest: 123,
            mergeRequestUrl:
              'https://gitlab.example.com/shop/shop/-/merge_requests/123',
            ttl: '72h',
            sourceEntity: 'component:default/shop',
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
                values: { database: { existingSecret: 'shop-db' } },
              },
              {
                name: 'redis',
                role: 'database',
                chart: {
                  repoURL: 'registry-1.docker.io/bitnamicharts',
                  chart: 'redis',
                  targetRevision: '20.6.2',
                },
                values: { architecture: 'standalone' },
              },
              {
                name: 'storefront',
                role: 'frontend',
                image: `registry.example.com/shop/storefront@${digest('c')}`,
                chart: {
                  repoURL: 'https://charts.example.com/shop',
                  chart: 'web',
                  targetRevision: '2.0.0',
                },
                host: 'pr-123.shop.example.com',
              },
              {
                name: 'admin',
                role: 'frontend',
                image: `registry.example.com/shop/admin@${digest('d')}`,
                chart: {
                  repoURL: 'https://charts.example.com/shop',
                  chart: 'web',
                  targetRevision: '2.0.0',
                },
                host: 'admin-pr-123.shop.example.com',
              },
            ],
          },
        },
      ],
    }),
  },
  {
    description:
      'Update a long-lived environment inside a checkout of the GitOps repository fetched into ./gitops',
    example: yaml.stringify({
      steps: [
        {
          id: 'render',
          action: 'blueberry:environment:create',
          name: 'Re-render staging',
          input: {
            name: 'staging',
            app: 'shop',
            owner: 'group:default/team-shop',
            type: 'long-lived',
            update: true,
            targetPath: 'gitops',
            components: [
              {
                name: 'shop-backend',
                role: 'backend',
                image: `registry.example.com/shop/backend:1.9.0@${digest('e')}`,
                chart: {
                  repoURL: 'https://charts.example.com/shop',
                  chart: 'shop-service',
                  targetRevision: '1.4.2',
                },
                host: 'api.staging.shop.example.com',
              },
            ],
          },
        },
      ],
    }),
  },
];
