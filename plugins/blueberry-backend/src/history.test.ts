import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ArgoCdStandIn,
  startArgoCdStandIn,
} from '@blueberry-idp/argocd-standin';
import type { EnvironmentHistoryItem } from '@blueberry-idp/plugin-blueberry-common';
import { git } from '@blueberry-idp/plugin-blueberry-node';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { entity, startBlueberryBackend, TOKEN } from './__testUtils__/harness';
import { LifecycleRepo, shopSpec } from './__testUtils__/lifecycleRepo';
import { eventually } from '@blueberry-idp/test-utils';

// Real git, a real backend and the stand-in over real HTTP on a shared 2-core machine.
jest.setTimeout(90_000);

const user = mockCredentials.user.header();
const SHOP = 'component:default/shop';
const BILLING = 'component:default/billing';
const ENTITIES = [
  entity('shop', { 'blueberry.io/app': 'shop' }),
  entity('billing', { 'blueberry.io/app': 'billing' }),
];
const BASE = '/api/blueberry/environments/local/pr-5';
const DIR = 'environments/pr-5';
const digest = (c: string) => `sha256:${c.repeat(64)}`;

/** The shop's pr-5 running `api@<digest>`. */
function pr5(image: string, chartsURL: string) {
  const spec = shopSpec('pr-5', '2099-01-01T00:00:00Z', chartsURL);
  spec.components[0].image = `registry.example.com/shop/api@${image}`;
  return spec;
}

/**
 * A policy that, like Blueberry's, answers conditionally without a resource and, on an entity,
 * ALLOWs what the caller owns (reads everywhere).
 */
function owning(owned: string[], options: { denyRollback?: boolean } = {}) {
  return mockServices.permissions.mock({
    authorize: async requests =>
      requests.map(r => {
        const ref = (r as { resourceRef?: string }).resourceRef;
        const allowed =
          r.permission.name === 'blueberry.environment.read' ||
          (!!ref && owned.includes(ref));
        return {
          result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
        };
      }),
    authorizeConditional: async requests =>
      requests.map(r =>
        options.denyRollback &&
        r.permission.name === 'blueberry.environment.rollback'
          ? { result: AuthorizeResult.DENY }
          : {
              result: AuthorizeResult.CONDITIONAL,
              pluginId: 'catalog',
              resourceType: 'catalog-entity',
              conditions: {
                rule: 'IS_ENTITY_OWNER',
                resourceType: 'catalog-entity',
                params: { claims: ['group:default/team-shop'] },
              },
            },
      ) as any,
  }).factory;
}

let repo: LifecycleRepo;
let standIn: ArgoCdStandIn;
let first: string;
let second: string;

const head = async () =>
  (await git(repo.path, ['rev-parse', 'HEAD'])).stdout.trim();
const commitCount = async () =>
  Number((await git(repo.path, ['rev-list', '--count', 'HEAD'])).stdout);
const folderTree = async (revision: string) =>
  (await git(repo.path, ['rev-parse', `${revision}:${DIR}`])).stdout.trim();

beforeAll(async () => {
  repo = await LifecycleRepo.create();
  await repo.add(pr5(digest('a'), repo.chartsURL));
  first = await head();
  await repo.add(pr5(digest('b'), repo.chartsURL), {
    update: true,
    message: [
      'blueberry: update environment pr-5',
      '',
      'Reason: merge request !5 moved to a new head',
      'Requested-by: user:default/jane',
      'Task: scaffolder task 7',
    ].join('\n'),
  });
  second = await head();
  standIn = await startArgoCdStandIn({
    repoPath: repo.path,
    token: TOKEN,
    waveDelayMs: 10,
    pollIntervalMs: 100,
    onError: () => {},
  });
});

afterAll(async () => {
  await standIn?.stop();
  await repo?.remove();
});

async function startBackend(
  options: {
    owned?: string[];
    actionIntervalSeconds?: number;
    denyRollback?: boolean;
  } = {},
) {
  const backend = await startBlueberryBackend({
    instances: [{ name: 'local', url: standIn.url }],
    entities: ENTITIES,
    config: {
      gitops: { local: { path: repo.path, branch: 'main' } },
      lifecycle: { janitor: { enabled: false } },
      actionIntervalSeconds: options.actionIntervalSeconds ?? 0,
    },
    extraFeatures: [
      owning(options.owned ?? [SHOP], { denyRollback: options.denyRollback }),
    ],
  });
  await eventually(
    async () =>
      (
        await request(backend.server).get(BASE).set('Authorization', user)
      ).status === 200,
    15_000,
    'the stand-in to serve pr-5',
  );
  return backend;
}

const history = async (
  server: Parameters<typeof request>[0],
  query: Record<string, string | number | undefined> = {},
) =>
  request(server)
    .get(`${BASE}/history`)
    .query(query)
    .set('Authorization', user);

describe('GET /environments/:instance/:name/history', () => {
  it("lists the folder's commits newest first, who and why from the trailers, the diff, and the deployed one marked", async () => {
    const backend = await startBackend();
    try {
      // Argo CD (the stand-in) deploys the newest commit; its sync history then names it.
      let items: EnvironmentHistoryItem[] = [];
      await eventually(
        async () => {
          const res = await history(backend.server);
          items = res.body.items;
          return res.status === 200 && items[0]?.current === true;
        },
        30_000,
        'the newest change to be deployed',
      );
      expect(items.map(i => i.revision)).toEqual([second, first]);
      const [update, create] = items;
      expect(update).toMatchObject({
        author: 'user:default/jane',
        reason: 'merge request !5 moved to a new head',
        task: 'scaffolder task 7',
        message: expect.stringMatching(/^blueberry: update environment pr-5\n/),
        current: true,
        deployedAt: expect.stringMatching(/^\d{4}-/),
      });
      expect(update.files).toEqual([
        {
          path: `${DIR}/components/api/kustomization.yaml`,
          change: 'modified',
        },
      ]);
      expect(update.diff).toContain(
        `-        value: "registry.example.com/shop/api@${digest('a')}"`,
      );
      expect(update.diff).toContain(
        `+        value: "registry.example.com/shop/api@${digest('b')}"`,
      );
      expect(create).toMatchObject({
        author: 'Blueberry <blueberry@localhost>',
        current: false,
      });
      expect(create.files.map(f => f.change)).toEqual(
        create.files.map(() => 'added'),
      );
    } finally {
      await backend.stop();
    }
  });

  it('pages with limit and cursor', async () => {
    const backend = await startBackend();
    try {
      const page1 = await history(backend.server, { limit: 1 });
      expect(page1.status).toBe(200);
      expect(
        page1.body.items.map((i: EnvironmentHistoryItem) => i.revision),
      ).toEqual([second]);
      expect(page1.body.nextCursor).toBe(first);
      const page2 = await history(backend.server, {
        limit: 1,
        cursor: page1.body.nextCursor,
      });
      expect(
        page2.body.items.map((i: EnvironmentHistoryItem) => i.revision),
      ).toEqual([first]);
      expect(page2.body.nextCursor).toBeUndefined();

      for (const bad of [
        { limit: 0 },
        { limit: 101 },
        { cursor: 'HEAD' },
        { page: 2 },
      ]) {
        const res = await history(backend.server, bad);
        expect(res.status).toBe(400);
      }
      const anonymous = await request(backend.server)
        .get(`${BASE}/history`)
        .set('Authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);
      const unknown = await request(backend.server)
        .get('/api/blueberry/environments/local/pr-404/history')
        .set('Authorization', user);
      expect(unknown.status).toBe(404);
    } finally {
      await backend.stop();
    }
  });
});

describe('POST /environments/:instance/:name/rollback', () => {
  it('refuses bad input, a revision outside the history, a foreign caller and a conflicting open change, committing nothing', async () => {
    const before = await commitCount();
    const foreign = await startBackend({ owned: [BILLING] });
    try {
      const res = await request(foreign.server)
        .post(`${BASE}/rollback`)
        .set('Authorization', user)
        .send({ revision: first });
      // The environment records the shop, which this caller does not own: as if it were not there.
      expect(res.status).toBe(404);
    } finally {
      await foreign.stop();
    }
    // A policy that denies rollback on every entity: 403 before anything is looked up.
    const denied = await startBackend({ denyRollback: true });
    try {
      const res = await request(denied.server)
        .post(`${BASE}/rollback`)
        .set('Authorization', user)
        .send({ revision: first });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        'Not allowed: blueberry.environment.rollback',
      );
    } finally {
      await denied.stop();
    }

    const backend = await startBackend();
    const rollback = (body: unknown) =>
      request(backend.server)
        .post(`${BASE}/rollback`)
        .set('Authorization', user)
        .send(body as object);
    try {
      for (const body of [
        {},
        { revision: 'main' },
        { revision: first.slice(0, 12) },
        { revision: first.toUpperCase() },
        { revision: first, extra: true },
      ]) {
        const res = await rollback(body);
        expect(res.status).toBe(400);
        expect(res.body.error.name).toBe('InputError');
      }
      // A commit of the repository that never touched pr-5 (the bootstrap), and one it does not have.
      const bootstrap = (
        await git(repo.path, ['rev-list', '--max-parents=0', 'HEAD'])
      ).stdout.trim();
      for (const revision of [bootstrap, 'f'.repeat(40)]) {
        const res = await rollback({ revision });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(
          /not in the history of environment 'pr-5'/,
        );
      }
      // The folder already holds the newest change's files.
      expect((await rollback({ revision: second })).status).toBe(409);

      // Another change of pr-5 on its way (uncommitted in its folder).
      const stray = path.join(repo.path, DIR, 'stray.yaml');
      await fs.writeFile(stray, 'a: 1\n');
      try {
        const conflict = await rollback({ revision: first });
        expect(conflict.status).toBe(409);
        expect(conflict.body.error.message).toMatch(/uncommitted changes/);
      } finally {
        await fs.rm(stray);
      }
      const anonymous = await request(backend.server)
        .post(`${BASE}/rollback`)
        .set('Authorization', mockCredentials.none.header())
        .send({ revision: first });
      expect(anonymous.status).toBe(401);
    } finally {
      await backend.stop();
    }
    expect(await commitCount()).toBe(before);
    expect(await head()).toBe(second);
  });

  it('refuses the revision that removed the environment (nothing to restore there), committing nothing', async () => {
    // pr-6: created, removed (one commit deleting its folder), created again.
    const pr6 = shopSpec('pr-6', '2099-01-01T00:00:00Z', repo.chartsURL);
    await repo.add(pr6);
    await git(repo.path, ['rm', '-r', '-q', 'environments/pr-6']);
    await git(repo.path, [
      'commit',
      '-q',
      '-m',
      'blueberry: remove environment pr-6\n\nTask: history.test.ts',
    ]);
    const removal = await head();
    await repo.add(pr6);
    const before = await commitCount();
    const backend = await startBackend();
    try {
      await eventually(
        async () =>
          (
            await request(backend.server)
              .get('/api/blueberry/environments/local/pr-6')
              .set('Authorization', user)
          ).status === 200,
        15_000,
        'the stand-in to serve pr-6 again',
      );
      const listed = await request(backend.server)
        .get('/api/blueberry/environments/local/pr-6/history')
        .set('Authorization', user);
      expect(listed.status).toBe(200);
      expect(
        listed.body.items.map((i: EnvironmentHistoryItem) => i.revision),
      ).toContain(removal);
      const res = await request(backend.server)
        .post('/api/blueberry/environments/local/pr-6/rollback')
        .set('Authorization', user)
        .send({ revision: removal });
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toMatch(/that commit removed it/);
    } finally {
      await backend.stop();
    }
    expect(await commitCount()).toBe(before);
  });

  it('restores the folder to its files at the revision in one commit saying what, who and why; Argo CD deploys it', async () => {
    const backend = await startBackend({ actionIntervalSeconds: 30 });
    try {
      const res = await request(backend.server)
        .post(`${BASE}/rollback`)
        .set('Authorization', user)
        .send({ revision: first });

      expect(res.status).toBe(202);
      const revision = await head();
      expect(res.body).toEqual({ change: { kind: 'commit', revision } });
      expect(await folderTree(revision)).toBe(await folderTree(first));
      const message = (
        await git(repo.path, ['log', '-1', '--format=%B'])
      ).stdout.trim();
      expect(message.split('\n').slice(0, 2)).toEqual([
        `blueberry: roll back environment pr-5 to ${first.slice(0, 12)}`,
        '',
      ]);
      expect(message.split('\n').slice(2)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^Reason: restore its files of ${first.slice(
              0,
              12,
            )} \\("blueberry: create environment pr-5", committed .+\\), reverting every later change$`,
          ),
        ),
        'Requested-by: user:default/mock',
        'Task: POST /api/blueberry/environments/:instance/:name/rollback',
      ]);
      // Only the environment's folder changed.
      const changed = await git(repo.path, [
        'show',
        '--name-only',
        '--format=',
        'HEAD',
      ]);
      expect(
        changed.stdout
          .split('\n')
          .filter(Boolean)
          .every(f => f.startsWith(`${DIR}/`)),
      ).toBe(true);

      // A second rollback at once is rate-limited.
      const again = await request(backend.server)
        .post(`${BASE}/rollback`)
        .set('Authorization', user)
        .send({ revision: second });
      expect(again.status).toBe(429);
      expect(await head()).toBe(revision);

      // The history shows the rollback on top, deployed once Argo CD synced it.
      await eventually(
        async () => {
          const items = (await history(backend.server)).body.items;
          return items[0]?.revision === revision && items[0].current;
        },
        30_000,
        'the rollback to be deployed',
      );
    } finally {
      await backend.stop();
    }
  });
});
