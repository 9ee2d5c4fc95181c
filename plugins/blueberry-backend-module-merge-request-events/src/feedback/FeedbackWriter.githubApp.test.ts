import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { generateKeyPairSync } from 'node:crypto';
import {
  databaseOf,
  environmentAt,
  SettableFeed,
} from '../__testUtils__/feedbackFixtures';
import {
  type GithubApiStandIn,
  startGithubApiStandIn,
} from '../__testUtils__/github/githubApiStandIn';
import { createFeedbackClients } from './clients/createFeedbackClients';
import { FeedbackRecords } from './FeedbackRecords';
import { FeedbackWriter } from './FeedbackWriter';

jest.setTimeout(60_000);

const HEAD = 'c0ffee1'.padEnd(40, '0');
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/**
 * Feedback as a GitHub App: no personal token in the integration, only the app's id and private
 * key. Backstage's credentials provider signs a JWT, finds the app's installation on the pull
 * request's owner and exchanges it for an installation token; the stand-in checks the JWT's
 * signature against the app's public key and validates every request against GitHub's OpenAPI.
 */
describe('FeedbackWriter as a GitHub App', () => {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKey = keys.privateKey
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();
  let github: GithubApiStandIn;
  const logger = mockServices.logger.mock();

  beforeEach(async () => {
    github = await startGithubApiStandIn({
      app: {
        appId: 4242,
        publicKey: keys.publicKey
          .export({ type: 'spki', format: 'pem' })
          .toString(),
        installationId: 777,
        account: 'acme',
      },
    });
    github.addPullRequest({
      owner: 'acme',
      repo: 'shop',
      number: 12,
      headSha: HEAD,
    });
  });

  afterEach(async () => {
    if (github.problems.length) throw new Error(github.problems.join('\n'));
    await github.close();
  });

  it('posts with an installation token it got for the pull request owner, and reuses it', async () => {
    const feed = new SettableFeed();
    let now = Date.parse('2030-01-01T12:00:00Z');
    const writer = new FeedbackWriter({
      feed,
      records: await FeedbackRecords.create(
        databaseOf(await databases.init('SQLITE_3')),
      ),
      clients: createFeedbackClients(
        new ConfigReader({
          integrations: {
            github: [
              {
                host: 'github.com',
                apiBaseUrl: github.url,
                apps: [
                  {
                    appId: 4242,
                    privateKey,
                    clientId: 'Iv1.standin',
                    clientSecret: 'standin-client-secret',
                    webhookSecret: 'standin-webhook-secret',
                  },
                ],
              },
            ],
          },
        }),
      ),
      config: {
        comments: true,
        deploymentStatus: true,
        minIntervalMs: 0,
        appBaseUrl: 'https://backstage.example.com',
        catalogNamespace: 'default',
      },
      logger,
      now: () => now,
    });

    feed.set(environmentAt({ doneWaves: 1 }));
    await writer.run();
    feed.set(
      environmentAt({ doneWaves: 4, urls: ['https://shop.pr-12.example.com'] }),
    );
    now += 10_000;
    await writer.run();

    const [comment, ...others] = [...github.comments.values()];
    expect(others).toHaveLength(0);
    expect(comment.body).toContain('✅ ready');
    // The app's own endpoints with its signed JWT, once; everything else with the one installation token.
    const byKind = (kind: string) =>
      github.authorizations
        .filter(a => a.kind === kind)
        .map(a => a.operationId);
    expect(new Set(byKind('app-jwt'))).toEqual(
      new Set([
        'apps/list-installations',
        'apps/create-installation-access-token',
      ]),
    );
    expect(github.installationTokens).toHaveLength(1);
    expect(byKind('installation')).toEqual(
      expect.arrayContaining([
        'issues/create-comment',
        'issues/update-comment',
        'repos/create-deployment',
        'repos/create-deployment-status',
      ]),
    );
    expect(byKind('token')).toEqual([]);
    expect(github.authorizations.every(a => a.kind)).toBe(true);
    const logged = JSON.stringify(
      ['debug', 'info', 'warn', 'error'].map(
        level => (logger as any)[level].mock.calls,
      ),
    );
    expect(logged).not.toContain(github.installationTokens[0]);
  });
});
