import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { EventsService, eventsServiceRef } from '@backstage/plugin-events-node';
import { ENVIRONMENTS_CHANGED_TOPIC } from '@blueberry-idp/plugin-blueberry-common';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { eventually } from '@blueberry-idp/test-utils';
import {
  GitopsHostKind,
  shopEnvironment,
  TestGitopsHost,
} from './__testUtils__/gitopsRepository';
import { catalogModuleBlueberry } from './module';

jest.setTimeout(180_000);

const ENVIRONMENT_QUERY =
  '/api/catalog/entities/by-query?filter=metadata.labels.blueberry.io/environment=pr-123';

describe.each<[string, GitopsHostKind]>([
  ['a local git repository', 'local'],
  ['GitLab (API stand-in, no local clone)', 'gitlab'],
  [
    'GitHub (API stand-in checked against GitHub’s OpenAPI description, no local clone)',
    'github',
  ],
])('catalogModuleBlueberry with the real catalog, reading %s', (_, kind) => {
  let gitops: TestGitopsHost;
  let root: string;

  beforeEach(async () => {
    gitops = await TestGitopsHost.start(kind);
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'blueberry-catalog-'));
    // A catalog with the shop's backend, so the environment can depend on it.
    await fs.writeFile(
      path.join(root, 'entities.yaml'),
      [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Component',
        'metadata: { name: shop-backend }',
        'spec: { type: service, lifecycle: production, owner: group:default/team-shop, system: shop }',
      ].join('\n'),
    );
  });

  afterEach(async () => {
    const problems = gitops.problems();
    await gitops.dispose();
    await fs.rm(root, { recursive: true, force: true });
    // Every request the GitHub stand-in saw must be one GitHub's OpenAPI description allows.
    if (problems.length) throw new Error(problems.join('\n'));
  });

  function config(catalog: JsonObject) {
    return mockServices.rootConfig.factory({
      data: {
        ...gitops.config,
        catalog: {
          rules: [
            { allow: ['Component', 'System', 'Resource', 'Location', 'Group'] },
          ],
          locations: [
            { type: 'file', target: path.join(root, 'entities.yaml') },
          ],
        },
        blueberry: {
          ...(gitops.config.blueberry as JsonObject),
          catalog,
          argocd: {
            instances: [
              {
                name: 'local',
                url: 'http://argocd.internal:8080',
                uiUrl: 'https://argocd.example.com',
                token: 'secret',
              },
            ],
          },
        },
      },
    });
  }

  async function environmentEntities(
    server: request.Agent | any,
  ): Promise<Entity[]> {
    const response = await request(server).get(
      '/api/catalog/entities/by-query?filter=kind=resource,spec.type=environment',
    );
    expect(response.status).toBe(200);
    return response.body.items;
  }

  it('adds a landed environment with its labels and relations when the head poll sees the new commit, finds it by label, and removes it when its folder goes', async () => {
    const { server } = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleBlueberry,
        // The scheduled refresh runs once at startup, before anything landed: the head poll
        // alone brings each later commit in.
        config({
          headPollSeconds: 0.5,
          schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 } },
        }),
      ],
    });
    // The relations need the component in the catalog when the environment is read: a component
    // that arrives later is linked by the next scheduled refresh (a minute), not by this test.
    await eventually(
      async () => {
        const response = await request(server).get(
          '/api/catalog/entities/by-name/component/default/shop-backend',
        );
        return response.status === 200 ? true : undefined;
      },
      30_000,
      'shop-backend in the catalog',
    );

    await gitops.commit(shopEnvironment('pr-123'), shopEnvironment('pr-7'));
    const head = await gitops.repository.headRevision();

    const entity = await eventually(
      async () => {
        const items = await environmentEntities(server);
        const found = items.find(e => e.metadata.name === 'pr-123');
        // Relations come from stitching, after the component lookup found the catalog's shop-backend;
        // the entity read at the first landing may still be there before the second's is.
        return found?.relations?.some(r => r.type === 'dependsOn') &&
          found.metadata.annotations?.['blueberry.io/gitops-commit'] === head
          ? found
          : undefined;
      },
      30_000,
      'pr-123 in the catalog at the head, with its relations',
    );

    expect(entity.kind).toBe('Resource');
    expect(entity.metadata.labels).toEqual({
      'blueberry.io/app': 'shop',
      'blueberry.io/environment': 'pr-123',
      'blueberry.io/owner': 'team-shop',
      'blueberry.io/pull-request': '123',
      'blueberry.io/role': 'environment',
      'blueberry.io/type': 'pull-request',
    });
    expect(entity.spec).toEqual({
      type: 'environment',
      owner: 'group:default/team-shop',
      system: 'system:default/shop',
      // Only the component the catalog knows; redis and storefront are not catalog entities.
      dependsOn: ['component:default/shop-backend'],
    });
    expect(entity.metadata.annotations).toMatchObject({
      'argocd/app-name': 'pr-123',
      'argocd/instance-name': 'local',
      'blueberry.io/components': 'redis,shop-backend,storefront',
      'blueberry.io/source-entity': 'system:default/shop',
      'blueberry.io/merge-request':
        'https://gitlab.example.com/shop/shop/-/merge_requests/123',
      'blueberry.io/expires-at': '2030-01-04T12:00:00Z',
      'backstage.io/managed-by-location': gitops.location(
        'environments/pr-123/application.yaml',
      ),
      'blueberry.io/gitops-commit': head,
    });
    expect(entity.metadata.links).toEqual([
      {
        url: 'https://api-pr-123.shop.example.com',
        title: 'shop-backend preview',
        icon: 'web',
        type: 'preview',
      },
      {
        url: 'https://pr-123.shop.example.com',
        title: 'storefront preview',
        icon: 'web',
        type: 'preview',
      },
      {
        url: 'https://gitlab.example.com/shop/shop/-/merge_requests/123',
        title: 'Merge request',
        icon: 'github',
        type: 'merge-request',
      },
      {
        url: 'https://argocd.example.com/applications/argocd/pr-123',
        title: 'Argo CD',
        icon: 'dashboard',
        type: 'argocd',
      },
    ]);
    expect(entity.relations).toEqual(
      expect.arrayContaining([
        { type: 'ownedBy', targetRef: 'group:default/team-shop' },
        { type: 'partOf', targetRef: 'system:default/shop' },
        { type: 'dependsOn', targetRef: 'component:default/shop-backend' },
      ]),
    );

    const byLabel = await request(server).get(ENVIRONMENT_QUERY);
    expect(byLabel.status).toBe(200);
    expect(byLabel.body.items.map((e: Entity) => e.metadata.name)).toEqual([
      'pr-123',
    ]);

    await gitops.remove('pr-123');
    const remaining = await eventually(
      async () => {
        const items = await environmentEntities(server);
        // The other environment must stay: while the catalog re-processes, a list can briefly miss it.
        const names = items.map(e => e.metadata.name);
        return names.includes('pr-123') || !names.includes('pr-7')
          ? undefined
          : items;
      },
      30_000,
      'pr-123 to leave the catalog and pr-7 to stay',
    );
    expect(remaining.map(e => e.metadata.name)).toEqual(['pr-7']);
    expect((await request(server).get(ENVIRONMENT_QUERY)).body.items).toEqual(
      [],
    );
  });

  it('refreshes at once on the blueberry.environments.changed event, with the head check off', async () => {
    let events: EventsService | undefined;
    const captureEvents = createBackendModule({
      pluginId: 'catalog',
      moduleId: 'test-events',
      register(env) {
        env.registerInit({
          deps: { events: eventsServiceRef },
          async init(deps) {
            events = deps.events;
          },
        });
      },
    });
    const { server } = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleBlueberry,
        captureEvents,
        // A schedule far away and no head check: only the event can bring the entity in.
        config({
          headPollSeconds: 0,
          schedule: {
            frequency: { hours: 1 },
            timeout: { minutes: 1 },
            initialDelay: { hours: 1 },
          },
        }),
      ],
    });

    await gitops.commit(
      shopEnvironment('feature-x', { type: 'feature', pullRequest: undefined }),
    );
    expect(await environmentEntities(server)).toEqual([]);

    await events!.publish({
      topic: ENVIRONMENTS_CHANGED_TOPIC,
      eventPayload: { environment: 'feature-x' },
    });
    const entity = await eventually(
      async () => {
        const items = await environmentEntities(server);
        return items.find(e => e.metadata.name === 'feature-x');
      },
      30_000,
      'feature-x in the catalog',
    );
    expect(entity.metadata.labels).toMatchObject({
      'blueberry.io/environment': 'feature-x',
      'blueberry.io/type': 'feature',
    });
    expect(entity.metadata.labels).not.toHaveProperty(
      'blueberry.io/pull-request',
    );
    expect(entity.metadata.tags).toEqual(['blueberry', 'feature']);
  });
});
