import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  databaseOf,
  environmentAt,
  githubIntegrationConfig,
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

const HEAD = 'a1b2c3d'.padEnd(40, '0');
const COMMENT_TEMPLATE = '/repos/{owner}/{repo}/issues/comments/{comment_id}';
const COMMENTS_TEMPLATE =
  '/repos/{owner}/{repo}/issues/{issue_number}/comments';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/**
 * The writer against the GitHub stand-in (validated against GitHub's OpenAPI description) when
 * GitHub misbehaves, with its records in a real database and a clock the test moves.
 */
describe('FeedbackWriter when GitHub fails', () => {
  let github: GithubApiStandIn;
  let feed: SettableFeed;
  let now: number;
  let writer: FeedbackWriter;
  let records: FeedbackRecords;
  const logger = mockServices.logger.mock();

  beforeEach(async () => {
    github = await startGithubApiStandIn();
    github.addPullRequest({
      owner: 'acme',
      repo: 'shop',
      number: 12,
      headSha: HEAD,
    });
    feed = new SettableFeed();
    now = Date.parse('2030-01-01T12:00:00Z');
    records = await FeedbackRecords.create(
      databaseOf(await databases.init('SQLITE_3')),
    );
    writer = newWriter(records, 5);
  });

  afterEach(async () => {
    // Every test's requests and answers held to the provider's contract.
    if (github.problems.length) throw new Error(github.problems.join('\n'));
    // The failures were logged, and the token never was.
    const logged = JSON.stringify([
      logger.warn.mock.calls,
      logger.info.mock.calls,
      logger.debug.mock.calls,
      logger.error.mock.calls,
    ]);
    if (logged.includes(github.token)) throw new Error('the token was logged');
    await github.close();
  });

  function newWriter(on: FeedbackRecords, minIntervalSeconds: number) {
    return new FeedbackWriter({
      feed,
      records: on,
      clients: createFeedbackClients(
        githubIntegrationConfig(github.url, github.token),
      ),
      config: {
        comments: true,
        deploymentStatus: true,
        minIntervalMs: minIntervalSeconds * 1000,
        appBaseUrl: 'https://backstage.example.com',
        catalogNamespace: 'default',
      },
      logger,
      now: () => now,
    });
  }
  const sent = (operationId: string) =>
    github.requests.filter(r => r.operationId === operationId);
  const onlyComment = () => {
    expect(github.comments.size).toBe(1);
    return [...github.comments.values()][0];
  };

  it('tries again after a 5xx, with backoff, and then writes', async () => {
    feed.set(environmentAt({ doneWaves: 1 }));
    await writer.run();
    expect(onlyComment().body).toContain('0 ✓ 1 …');

    feed.set(environmentAt({ doneWaves: 2 }));
    github.failOnce({
      method: 'PATCH',
      template: COMMENT_TEMPLATE,
      status: 502,
      body: {
        message: 'Server Error',
        documentation_url: 'https://docs.github.com/rest',
      },
    });
    now += 10_000;
    await writer.run();
    expect(sent('issues/update-comment').map(r => r.status)).toEqual([502]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^Merge request feedback about pr-12 failed \(HTTP 502\)/,
      ),
    );
    expect(onlyComment().body).toContain('0 ✓ 1 …');
    const [record] = await records.list();
    expect(record.attempts).toBe(1);
    // The first backoff is 1 to 2 seconds.
    expect(record.retryAt! - now).toBeGreaterThanOrEqual(1_000);
    expect(record.retryAt! - now).toBeLessThanOrEqual(2_000);

    // Within the backoff nothing is sent; after it the edit goes through.
    await writer.run();
    expect(sent('issues/update-comment')).toHaveLength(1);
    now = record.retryAt!;
    await writer.run();
    expect(sent('issues/update-comment').map(r => r.status)).toEqual([
      502, 200,
    ]);
    expect(onlyComment().body).toContain('0 ✓ 1 ✓ 2 …');
    expect((await records.list())[0]).toMatchObject({
      attempts: 0,
      retryAt: null,
    });
  });

  it('waits for the rate limit to reset after a 403 rate limited', async () => {
    feed.set(environmentAt({ doneWaves: 1 }));
    const reset = Math.floor(now / 1000) + 600;
    github.failOnce({
      method: 'POST',
      template: COMMENTS_TEMPLATE,
      status: 403,
      headers: {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(reset),
      },
      body: {
        message: 'API rate limit exceeded for installation ID 1.',
        documentation_url:
          'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
      },
    });
    await writer.run();
    expect(github.comments.size).toBe(0);
    const [record] = await records.list();
    expect(record.retryAt).toBe(reset * 1000);

    now = reset * 1000 - 1_000;
    const before = github.requests.length;
    await writer.run();
    expect(github.requests.length).toBe(before);

    now = reset * 1000;
    await writer.run();
    expect(onlyComment().body).toContain('0 ✓ 1 …');
    expect(sent('issues/create-comment').map(r => r.status)).toEqual([
      403, 201,
    ]);
  });

  it("honours GitHub's Retry-After (secondary rate limit)", async () => {
    feed.set(environmentAt({ doneWaves: 1 }));
    github.failOnce({
      method: 'POST',
      template: COMMENTS_TEMPLATE,
      status: 403,
      headers: { 'retry-after': '90' },
      body: {
        message: 'You have exceeded a secondary rate limit.',
        documentation_url: 'https://docs.github.com/rest',
      },
    });
    await writer.run();
    const [record] = await records.list();
    expect(record.retryAt! - now).toBe(90_000);
  });

  it('posts the comment again, once, when a person deleted it', async () => {
    feed.set(environmentAt({ doneWaves: 1 }));
    await writer.run();
    const first = onlyComment();
    github.deleteComment(first.id);

    feed.set(environmentAt({ doneWaves: 2 }));
    now += 10_000;
    await writer.run();
    const second = onlyComment();
    expect(second.id).not.toBe(first.id);
    expect(second.body).toContain('0 ✓ 1 ✓ 2 …');

    // The next change edits the new one; no third comment.
    feed.set(
      environmentAt({ doneWaves: 4, urls: ['https://shop.pr-12.example.com'] }),
    );
    now += 10_000;
    await writer.run();
    expect(onlyComment().id).toBe(second.id);
    expect(onlyComment().body).toContain('✅ ready');
    expect(sent('issues/create-comment')).toHaveLength(2);
  });

  it('edits at most once per minIntervalSeconds, and writes the last state after', async () => {
    feed.set(environmentAt({ doneWaves: 1 }));
    await writer.run();
    for (const doneWaves of [2, 3]) {
      feed.set(environmentAt({ doneWaves }));
      now += 1_000;
      await writer.run();
    }
    expect(sent('issues/update-comment')).toHaveLength(0);
    now += 5_000;
    await writer.run();
    expect(sent('issues/update-comment')).toHaveLength(1);
    expect(onlyComment().body).toContain('0 ✓ 1 ✓ 2 ✓ 3 …');
    // Nothing new to say: nothing sent.
    now += 60_000;
    await writer.run();
    expect(sent('issues/update-comment')).toHaveLength(1);
  });

  it('finds its comment again by the marker when its records are lost (a new database)', async () => {
    feed.set(environmentAt({ doneWaves: 1 }));
    await writer.run();
    const first = onlyComment();

    const fresh = await FeedbackRecords.create(
      databaseOf(await databases.init('SQLITE_3')),
    );
    feed.set(environmentAt({ doneWaves: 2 }));
    await newWriter(fresh, 5).run();
    expect(onlyComment().id).toBe(first.id);
    expect(onlyComment().body).toContain('0 ✓ 1 ✓ 2 …');
  });

  it('says nothing of an environment missing from an incomplete picture', async () => {
    feed.set(environmentAt({ doneWaves: 4 }));
    await writer.run();
    feed.set();
    feed.complete = false;
    now += 60_000;
    await writer.run();
    expect(onlyComment().body).toContain('✅ ready');
    feed.complete = true;
    await writer.run();
    expect(onlyComment().body).toContain('🗑️ removed: environment removed');
  });
});
