import { mockCredentials } from '@backstage/backend-test-utils';
import {
  ArgoCdStandIn,
  startArgoCdStandIn,
} from '@blueberry-idp/argocd-standin';
import {
  environmentApplicationPath,
  type EnvironmentHistoryItem,
  type EnvironmentSpec,
} from '@blueberry-idp/plugin-blueberry-common';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import {
  GitopsHostUnderTest,
  startGitopsHost,
} from './__testUtils__/gitopsHosts';
import { entity, startBlueberryBackend, TOKEN } from './__testUtils__/harness';
import {
  janitorAtStartup,
  NotificationRecorder,
} from './__testUtils__/lifecycleFakes';
import { shopSpec } from './__testUtils__/lifecycleRepo';
import { ROLLBACK_TASK } from './services/history/EnvironmentHistory';
import { eventually } from '@blueberry-idp/test-utils';

// Real git, real backends, the Argo CD stand-in and a Git host's stand-in over real HTTP, on a
// shared 2-core machine.
jest.setTimeout(240_000);

const user = mockCredentials.user.header();
const SHOP = 'component:default/shop';
const ENTITIES = [entity('shop', { 'blueberry.io/app': 'shop' })];
const HOUR = 3600_000;
const digest = (c: string) => `sha256:${c.repeat(64)}`;
// Matchers, so that what differs between a commit and a proposal is a value, not a branch.
const A_SHA = expect.stringMatching(/^[0-9a-f]{40}$/);
const proposalWith = (fields: Record<string, unknown>) =>
  expect.objectContaining(fields);
const containing = (text: string) => expect.stringContaining(text);
const rfc3339 = (ms: number) =>
  new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The long-lived `staging` of the shop (no merge request, no expiry), running `api@<image>`. */
function staging(chartsURL: string, image: string): EnvironmentSpec {
  const spec = shopSpec('staging', undefined, chartsURL);
  spec.components[0].image = `registry.example.com/shop/api@${image}`;
  return spec;
}

const SPECS = (chartsURL: string) => [
  shopSpec('pr-1', '2020-01-01T00:00:00Z', chartsURL), // expired long ago
  shopSpec('pr-5', rfc3339(Date.now() + 2 * HOUR), chartsURL), // about to expire
  staging(chartsURL, digest('a')),
];

/**
 * The lifecycle (janitor, keep) and history and rollback, through the backend's REST API, with
 * the GitOps repository on each host the layer supports: a real local git repository (a commit
 * per change), GitLab (the API stand-in; a merge request per change) and GitHub (the stand-in on a
 * real bare git repository, every request checked against GitHub's OpenAPI description; a pull
 * request per change). The same code and the same assertions for all three.
 */
describe.each(['local', 'GitLab', 'GitHub'] as const)(
  'with the GitOps repository on %s',
  hostName => {
    let host: GitopsHostUnderTest;
    let standIn: ArgoCdStandIn;
    const onHost = hostName !== 'local';

    beforeAll(async () => {
      host = await startGitopsHost(hostName, SPECS);
      standIn = await startArgoCdStandIn({
        repoPath: host.argoRepoPath,
        token: TOKEN,
        waveDelayMs: 10,
        pollIntervalMs: 100,
        onError: () => {},
      });
    });

    afterAll(async () => {
      await standIn?.stop();
      await host?.close();
    });

    const start = (
      extraFeatures: Parameters<
        typeof startBlueberryBackend
      >[0]['extraFeatures'] = [],
    ) =>
      startBlueberryBackend({
        instances: [{ name: 'local', url: standIn.url }],
        entities: ENTITIES,
        rootConfig: host.rootConfig,
        config: {
          gitops: host.gitops,
          lifecycle: { keepExtension: '72h', warnBefore: '24h' },
          actionIntervalSeconds: 0,
        },
        extraFeatures,
      });

    async function served(
      backend: Awaited<ReturnType<typeof start>>,
      name: string,
    ) {
      await eventually(
        async () =>
          (
            await request(backend.server)
              .get(`/api/blueberry/environments/local/${name}`)
              .query({ entityRef: SHOP })
              .set('Authorization', user)
          ).status === 200,
        30_000,
        `the stand-in to serve ${name}`,
      );
    }

    const route = (name: string, action: string) =>
      `/api/blueberry/environments/local/${name}/${action}`;

    it("the janitor proposes the expired environment's removal once, saying who, which task and why; landed, it is gone", async () => {
      const before = await host.changesMade();
      const notifications = new NotificationRecorder();
      await (await start(janitorAtStartup(notifications))).stop();

      expect(await host.lastMessage()).toMatch(
        /^blueberry: remove environment pr-1\n\nReason: expired at 2020-01-01T00:00:00Z \(blueberry\.io\/expires-at\), checked at \d{4}-.+Z\nRequested-by: blueberry-expiry-janitor \(plugin:blueberry\)\nTask: blueberry-expiry-janitor$/,
      );
      // One commit; on a Git host one commit on its branch and its merge or pull request.
      const made = await host.changesMade();
      expect(made).toBe(before + (onHost ? 2 : 1));
      const proposals = host.proposals();
      expect(proposals).toEqual(
        onHost
          ? [
              proposalWith({
                branch: 'blueberry/remove-pr-1',
                title: 'Remove environment pr-1',
                open: true,
              }),
            ]
          : [],
      );
      // The owner of the one about to expire is warned.
      expect(notifications.sent.map(n => n.payload.scope)).toEqual([
        'blueberry-expiry:pr-5',
      ]);

      // Again (the next run, or another replica) while the removal is open or made: nothing new.
      await (await start(janitorAtStartup())).stop();
      expect(await host.changesMade()).toBe(made);

      await host.land(proposals[0]?.url);
      expect(await host.repository.listEnvironments()).toEqual([
        'pr-5',
        'staging',
      ]);
      expect((await host.repository.readFiles('pr-1')).size).toBe(0);
    });

    it('keep moves the expiry in one change of application.yaml saying who and why, and answers 202', async () => {
      const file = environmentApplicationPath('pr-5');
      const original = await host.fileOn('main', file);
      const previous = /blueberry\.io\/expires-at: "([^"]+)"/.exec(
        original!,
      )![1];
      const backend = await start();
      try {
        await served(backend, 'pr-5');
        const res = await request(backend.server)
          .post(route('pr-5', 'keep'))
          .query({ entityRef: SHOP })
          .set('Authorization', user);

        expect(res.status).toBe(202);
        expect(res.body).toEqual({
          expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
          previousExpiresAt: previous,
          // The commit locally; the merge or pull request on a Git host.
          commit: onHost ? host.proposals().slice(-1)[0].url : A_SHA,
        });
        expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(
          Date.now() + 71 * HOUR,
        );
        expect(await host.lastMessage()).toBe(
          [
            'blueberry: extend environment pr-5',
            '',
            `Reason: kept: expiry moved from ${previous} to ${res.body.expiresAt}`,
            'Requested-by: user:default/mock',
            'Task: POST /api/blueberry/environments/:instance/:name/keep',
          ].join('\n'),
        );
        expect(host.proposals().slice(-1)).toEqual(
          onHost
            ? [
                proposalWith({
                  branch: 'blueberry/keep-pr-5',
                  title: 'Extend environment pr-5',
                  open: true,
                }),
              ]
            : [],
        );
        // Only the annotation differs from the file as it was.
        const kept = await host.fileOn(
          onHost ? 'blueberry/keep-pr-5' : 'main',
          file,
        );
        expect(kept).toContain(
          `blueberry.io/expires-at: "${res.body.expiresAt}"`,
        );
        expect(kept!.replace(res.body.expiresAt, previous)).toBe(original);
      } finally {
        await backend.stop();
      }
    });

    it('refuses a rollback while a change of the environment is still open, changing nothing', async () => {
      const backend = await start();
      // On a Git host Keep's merge or pull request is open; locally, a change is on its way
      // (uncommitted in the folder).
      const stray = path.join(
        host.argoRepoPath,
        'environments/pr-5/stray.yaml',
      );
      try {
        await served(backend, 'pr-5');
        const items: EnvironmentHistoryItem[] = (
          await request(backend.server)
            .get(route('pr-5', 'history'))
            .set('Authorization', user)
        ).body.items;
        const oldest = items[items.length - 1].revision;
        if (!onHost) await fs.writeFile(stray, 'a: 1\n');
        const before = await host.changesMade();

        const res = await request(backend.server)
          .post(route('pr-5', 'rollback'))
          .set('Authorization', user)
          .send({ revision: oldest });

        expect(res.status).toBe(409);
        expect(res.body.error.message).toMatch(
          onHost ? /is still open/ : /uncommitted changes/,
        );
        expect(await host.changesMade()).toBe(before);
      } finally {
        await fs.rm(stray, { force: true });
        await backend.stop();
      }
    });

    it('history and rollback of the long-lived staging (no merge request, no expiry) work the same way', async () => {
      const [created] = (
        await host.repository.history('staging', { limit: 10 })
      ).commits.map(c => c.revision);
      await host.update(
        staging(host.chartsURL, digest('b')),
        'a new staging image',
      );
      const backend = await start();
      try {
        await served(backend, 'staging');
        const history = async () =>
          (
            await request(backend.server)
              .get(route('staging', 'history'))
              .set('Authorization', user)
          ).body.items as EnvironmentHistoryItem[];
        const items = await history();
        expect(items.map(i => i.revision)).toEqual([
          items[0].revision,
          created,
        ]);
        expect(items[0]).toMatchObject({
          author: 'user:default/jane',
          reason: 'a new staging image',
          message: expect.stringMatching(
            /^blueberry: update environment staging\n/,
          ),
        });
        expect(items[0].diff).toContain(
          `+        value: "registry.example.com/shop/api@${digest('b')}"`,
        );
        const updated = items[0].revision;

        const rollback = (revision: string) =>
          request(backend.server)
            .post(route('staging', 'rollback'))
            .set('Authorization', user)
            .send({ revision });
        // Not staging's changes: a commit the repository lacks, and the removal of pr-1.
        const [removal] = (await host.repository.history('pr-1', { limit: 1 }))
          .commits;
        const before = await host.changesMade();
        for (const revision of ['f'.repeat(40), removal.revision]) {
          const refused = await rollback(revision);
          expect(refused.status).toBe(400);
          expect(refused.body.error.message).toMatch(
            /not in the history of environment 'staging'/,
          );
        }
        // Its newest change is what the folder holds already.
        expect((await rollback(updated)).status).toBe(409);
        expect(await host.changesMade()).toBe(before);

        const res = await rollback(created);
        expect(res.status).toBe(202);
        const short = created.slice(0, 12);
        expect(await host.lastMessage()).toMatch(
          new RegExp(
            `^blueberry: roll back environment staging to ${short}\n\nReason: restore its files of ${short} \\(".+", committed .+\\), reverting every later change\nRequested-by: user:default/mock\nTask: ${ROLLBACK_TASK.replace(
              /[/:]/g,
              c => `\\${c}`,
            )}$`,
          ),
        );
        const proposals = host
          .proposals()
          .filter(p => p.branch === 'blueberry/rollback-staging');
        expect(proposals).toEqual(
          onHost
            ? [
                proposalWith({
                  title: `Roll back environment staging to ${short}`,
                  description: containing('Requested-by: user:default/mock'),
                  open: true,
                }),
              ]
            : [],
        );
        expect(res.body).toEqual({
          change: onHost
            ? { kind: 'merge-request', url: proposals[0]?.url }
            : { kind: 'commit', revision: A_SHA },
        });
        // One change at a time: while it is open (on a Git host), or once made (locally: the
        // folder holds those files now), another rollback is refused.
        const second = await rollback(created);
        expect(second.status).toBe(409);
        expect(second.body.error.message).toMatch(
          onHost ? /is still open/ : /holds exactly its files/,
        );
        await host.land(proposals[0]?.url);

        // Landed, the folder holds exactly its files of the revision rolled back to.
        const sorted = (files: Map<string, Buffer>) =>
          [...files].sort(([a], [b]) => a.localeCompare(b));
        expect(sorted(await host.repository.readFiles('staging'))).toEqual(
          sorted(await host.repository.readFiles('staging', created)),
        );
        const after = await history();
        expect(after[0].message).toMatch(
          new RegExp(`^blueberry: roll back environment staging to ${short}\n`),
        );
        expect(after.slice(1).map(i => i.revision)).toEqual([updated, created]);
      } finally {
        await backend.stop();
      }
    });
  },
);
