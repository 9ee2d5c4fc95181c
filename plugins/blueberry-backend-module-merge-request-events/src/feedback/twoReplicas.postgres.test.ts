import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  blueberryEnvironmentFeedExtensionPoint,
  type EnvironmentFeedConsumer,
} from '@blueberry-idp/plugin-blueberry-node';
import knexFactory from 'knex';
import { environmentAt, SettableFeed } from '../__testUtils__/feedbackFixtures';
import {
  type GithubApiStandIn,
  startGithubApiStandIn,
} from '../__testUtils__/github/githubApiStandIn';
import { blueberryModuleMergeRequestFeedback } from './module';
import { sleep } from '@blueberry-idp/plugin-blueberry-common';

jest.setTimeout(120_000);

const POSTGRES = process.env.BLUEBERRY_TEST_POSTGRES;
// Each run gets databases of its own on the shared server, dropped after.
const PREFIX = `bb_feedback_${process.pid}_${Date.now() % 1_000_000}_`;

/**
 * Stands for Blueberry's backend plugin in these replicas: it offers the environment feed the real
 * plugin offers, serving the picture the test sets (each replica would see the same one from its
 * own Argo CD watch).
 */
function feedPlugin(feed: SettableFeed) {
  return createBackendPlugin({
    pluginId: 'blueberry',
    register(env) {
      const consumers: EnvironmentFeedConsumer[] = [];
      env.registerExtensionPoint(blueberryEnvironmentFeedExtensionPoint, {
        addConsumer: consumer => consumers.push(consumer),
      });
      env.registerInit({
        deps: {},
        async init() {
          for (const consumer of consumers) consumer.connect(feed);
        },
      });
    },
  });
}

async function eventually(done: () => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) {
    await sleep(100);
  }
}

/**
 * Two backend replicas on one PostgreSQL, both with the feedback module and the real scheduler: the
 * pull request still gets one comment and each thing to say once, and when one replica stops the
 * other carries on with the same comment.
 */
describe('merge request feedback from two replicas on one PostgreSQL', () => {
  let github: GithubApiStandIn;
  const feed = new SettableFeed();
  const replicas: Array<Awaited<ReturnType<typeof startTestBackend>>> = [];

  beforeAll(async () => {
    if (!POSTGRES) {
      throw new Error(
        'BLUEBERRY_TEST_POSTGRES is not set: source scripts/services.sh (scripts/test.sh does) to start PostgreSQL',
      );
    }
    github = await startGithubApiStandIn();
    github.addPullRequest({
      owner: 'acme',
      repo: 'shop',
      number: 12,
      headSha: 'b0b'.padEnd(40, '0'),
    });
    feed.set(environmentAt({ doneWaves: 0 }));
    for (let i = 0; i < 2; i++) {
      replicas.push(
        await startTestBackend({
          features: [
            databaseServiceFactory,
            schedulerServiceFactory,
            feedPlugin(feed),
            blueberryModuleMergeRequestFeedback,
            mockServices.rootConfig.factory({
              data: {
                app: { baseUrl: 'https://backstage.example.com' },
                backend: {
                  database: {
                    client: 'pg',
                    connection: POSTGRES,
                    prefix: PREFIX,
                  },
                },
                integrations: {
                  github: [
                    {
                      host: 'github.com',
                      apiBaseUrl: github.url,
                      token: github.token,
                    },
                  ],
                },
                blueberry: {
                  mergeRequests: {
                    feedback: {
                      comments: true,
                      deploymentStatus: true,
                      minIntervalSeconds: 0,
                    },
                  },
                },
              },
            }),
          ],
        }),
      );
    }
  });

  afterAll(async () => {
    for (const replica of replicas) await replica.stop().catch(() => {});
    await github?.close();
    if (POSTGRES) {
      const admin = knexFactory({ client: 'pg', connection: POSTGRES });
      const { rows } = await admin.raw(
        'SELECT datname FROM pg_database WHERE datname LIKE ?',
        [`${PREFIX}%`],
      );
      for (const { datname } of rows) {
        await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [datname]);
      }
      await admin.destroy();
    }
  });

  const sentBodies = () =>
    github.requests
      .filter(
        r =>
          r.status < 300 &&
          (r.operationId === 'issues/create-comment' ||
            r.operationId === 'issues/update-comment'),
      )
      .map(r => (r.body as { body: string }).body);
  const commentSays = (text: string) => () =>
    [...github.comments.values()].some(c => c.body.includes(text));

  it('posts one comment and says each thing once while both run', async () => {
    await eventually(commentSays('0 …'));
    for (const doneWaves of [1, 2, 3, 4]) {
      feed.set(
        environmentAt({
          doneWaves,
          urls: doneWaves === 4 ? ['https://shop.pr-12.example.com'] : [],
        }),
      );
      await eventually(
        commentSays(
          doneWaves === 4 ? '✅ ready' : `${doneWaves - 1} ✓ ${doneWaves} …`,
        ),
      );
    }
    expect(github.problems).toEqual([]);
    expect(github.comments.size).toBe(1);
    expect(
      github.requests.filter(r => r.operationId === 'issues/create-comment'),
    ).toHaveLength(1);
    const bodies = sentBodies();
    // Each edit said something new: no replica repeated what the other wrote.
    expect(new Set(bodies).size).toBe(bodies.length);
    expect(github.deployments.size).toBe(1);
  });

  it('carries on from the other replica when one stops', async () => {
    await replicas[0].stop();
    feed.set(
      environmentAt({
        doneWaves: 3,
        urls: ['https://shop.pr-12.example.com'],
        degraded: {
          kind: 'Deployment',
          name: 'backend',
          message: 'Back-off restarting failed container',
        },
      }),
    );
    await eventually(commentSays('❌ failing'));
    expect([...github.comments.values()][0].body).toContain(
      'Back-off restarting failed container',
    );
    expect(github.comments.size).toBe(1);
    const [deployment] = github.deployments.values();
    // The status follows the comment in the same write.
    await eventually(() => deployment.statuses.at(-1)?.state === 'failure');
    expect(deployment.statuses.at(-1)?.state).toBe('failure');
    expect(github.problems).toEqual([]);
  });
});
