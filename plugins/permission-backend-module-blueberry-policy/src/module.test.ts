import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  AuthService,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import {
  ArgoCdStandIn,
  environmentFiles,
  startArgoCdStandIn,
  typicalEnvironment,
} from '@blueberry-idp/argocd-standin';
// The policy is tested through the backend plugin whose routes it decides, as a backend runs them.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import blueberryPlugin from '@blueberry-idp/plugin-blueberry-backend';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import {
  LogRecorder,
  SignalRecorder,
} from '@blueberry-idp/plugin-blueberry-backend/testUtils';
import { eventually } from '@blueberry-idp/test-utils';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { parse, stringify } from 'yaml';
import permissionModuleBlueberryPolicy from '.';

jest.setTimeout(120_000);

/**
 * The mock auth service, except for one thing the real one does and the policy depends on: a token
 * a plugin gets to call another plugin on behalf of a user names that plugin as the actor. The
 * permission backend refuses resource queries without a resourceRef from a user directly (the
 * catalog's own list filtering sends those) and accepts them from a plugin acting for one.
 */
const authWithActors = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const base = mockServices.auth({ pluginId: plugin.getId() });
    const service: AuthService = {
      authenticate: (token, options) => base.authenticate(token, options),
      getNoneCredentials: () => base.getNoneCredentials(),
      getOwnServiceCredentials: () => base.getOwnServiceCredentials(),
      isPrincipal: base.isPrincipal.bind(base) as AuthService['isPrincipal'],
      getPluginRequestToken: async options => {
        const principal = options.onBehalfOf.principal as {
          type: string;
          userEntityRef?: string;
        };
        if (principal.type !== 'user' || !principal.userEntityRef) {
          return base.getPluginRequestToken(options);
        }
        return {
          token: mockCredentials.user.token(principal.userEntityRef, {
            actor: { subject: `plugin:${plugin.getId()}` },
          }),
        };
      },
      getLimitedUserToken: credentials => base.getLimitedUserToken(credentials),
      listPublicServiceKeys: () => base.listPublicServiceKeys(),
    };
    return service;
  },
});

const TOKEN = 'argocd-token-policy-test-4c1d';
const JANE = 'user:default/jane';

/**
 * The whole chain, real: the Blueberry backend asks the real permissions service, which asks the
 * real permission backend running this policy, whose conditional decision the real catalog backend
 * evaluates against the entities it ingested. Jane is a member of team-shop, which owns the shop;
 * team-legacy owns legacy. pr-1 records the shop as its source, legacy-1 records legacy.
 */
describe('the Blueberry permission policy', () => {
  let root: string;
  let standIn: ArgoCdStandIn;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const user = (ref: string) => mockCredentials.user.header(ref);

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'blueberry-policy-'));
    const repo = path.join(root, 'gitops');
    fs.mkdirSync(repo);
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: repo, stdio: 'ignore' });
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'test@example.com');
    git('config', 'user.name', 'Test');
    for (const [name, app, source] of [
      ['pr-1', 'shop', 'component:default/shop'],
      ['legacy-1', 'legacy', 'component:default/legacy'],
    ]) {
      const files = environmentFiles(typicalEnvironment(name, app, 1));
      const appPath = `environments/${name}/application.yaml`;
      const application = parse(files[appPath]);
      application.metadata.annotations = {
        'blueberry.io/source-entity': source,
      };
      files[appPath] = stringify(application);
      for (const [file, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
        fs.writeFileSync(path.join(repo, file), content);
      }
    }
    git('add', '-A');
    git('commit', '-q', '-m', 'environments');
    standIn = await startArgoCdStandIn({
      repoPath: repo,
      token: TOKEN,
      waveDelayMs: 10,
      pollIntervalMs: 100,
      onError: () => {},
    });

    const entities = path.join(root, 'entities.yaml');
    const component = (name: string, owner: string) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name, annotations: { 'blueberry.io/app': name } },
      spec: { type: 'service', lifecycle: 'experimental', owner },
    });
    fs.writeFileSync(
      entities,
      [
        component('shop', 'group:default/team-shop'),
        component('legacy', 'group:default/team-legacy'),
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Group',
          metadata: { name: 'team-shop' },
          spec: { type: 'team', children: [], members: ['jane'] },
        },
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Group',
          metadata: { name: 'team-legacy' },
          spec: { type: 'team', children: [] },
        },
      ]
        .map(e => stringify(e))
        .join('---\n'),
    );

    backend = await startTestBackend({
      features: [
        blueberryPlugin,
        catalogPlugin,
        permissionPlugin,
        permissionModuleBlueberryPolicy,
        permissionsServiceFactory,
        authWithActors,
        // What Jane's sign-in resolver puts in her token: herself and the groups she is in.
        createServiceFactory({
          service: coreServices.userInfo,
          deps: {},
          factory: () =>
            mockServices.userInfo({
              ownershipEntityRefs: [JANE, 'group:default/team-shop'],
            }),
        }),
        new LogRecorder().factory(),
        new SignalRecorder().factory(),
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            catalog: {
              rules: [{ allow: ['Component', 'Group'] }],
              locations: [{ type: 'file', target: entities }],
            },
            blueberry: {
              argocd: {
                instances: [{ name: 'local', url: standIn.url, token: TOKEN }],
              },
              actionIntervalSeconds: 0,
            },
          },
        }),
      ],
    });
    // The catalog has ingested the shop and Argo CD's environments are loaded.
    await eventually(
      async () => {
        const res = await request(backend.server)
          .get('/api/blueberry/environments')
          .query({ entityRef: 'component:default/shop' })
          .set('Authorization', user(JANE));
        return res.status === 200 && res.body.items.length === 1;
      },
      60_000,
      'the catalog to ingest the shop and the stand-in to serve pr-1',
    );
  });

  afterAll(async () => {
    await backend?.stop();
    await standIn?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('lets a member of the owning group sync her environment, and not another team’s', async () => {
    standIn.stats.reset();
    const own = await request(backend.server)
      .post('/api/blueberry/environments/local/pr-1/refresh')
      .set('Authorization', user(JANE));
    expect(own.status).toBe(202);
    const foreign = await request(backend.server)
      .post('/api/blueberry/environments/local/legacy-1/refresh')
      .set('Authorization', user(JANE));
    expect(foreign.status).toBe(404);
    expect(standIn.stats.byRoute()['GET /api/v1/applications/{name}']).toBe(1);
  });

  it('lets every catalog reader read', async () => {
    for (const name of ['pr-1', 'legacy-1']) {
      const res = await request(backend.server)
        .get(`/api/blueberry/environments/local/${name}`)
        .set('Authorization', user(JANE));
      expect([name, res.status]).toEqual([name, 200]);
    }
    const list = await request(backend.server)
      .get('/api/blueberry/environments')
      .query({ entityRef: 'component:default/legacy' })
      .set('Authorization', user(JANE));
    expect(list.status).toBe(200);
    expect(list.body.items.map((e: { name: string }) => e.name)).toEqual([
      'legacy-1',
    ]);
  });
});
