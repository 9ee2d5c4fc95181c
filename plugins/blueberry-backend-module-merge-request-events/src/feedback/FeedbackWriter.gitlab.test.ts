import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  databaseOf,
  environmentAt,
  SettableFeed,
} from '../__testUtils__/feedbackFixtures';
import {
  type GitlabFeedbackStandIn,
  startGitlabFeedbackStandIn,
} from '../__testUtils__/gitlab/gitlabFeedbackStandIn';
import { createFeedbackClients } from './clients/createFeedbackClients';
import { FeedbackRecords } from './FeedbackRecords';
import { FeedbackWriter } from './FeedbackWriter';
import { CacheManager } from '@backstage/backend-defaults/cache';
import type { MergeRequestChange } from '../MergeRequestChange';
import { MergeRequestHeads } from '../MergeRequestHeads';

jest.setTimeout(60_000);

const MR_URL = 'https://gitlab.example.com/shop/shop/-/merge_requests/12';
const HEAD = 'feed'.padEnd(40, 'e');
const NEXT = 'def5678'.padEnd(40, '0');
const PAGE = 'https://backstage.example.com/catalog/default/resource/pr-12';
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('FeedbackWriter on GitLab', () => {
  let gitlab: GitlabFeedbackStandIn;
  let feed: SettableFeed;
  let now: number;

  beforeEach(async () => {
    // Small pages, so finding the note by its marker has to follow GitLab's pagination.
    gitlab = await startGitlabFeedbackStandIn({ perPage: 2 });
    gitlab.addMergeRequest({ project: 'shop/shop', iid: 12, sha: HEAD });
    feed = new SettableFeed();
    now = Date.parse('2030-01-01T12:00:00Z');
  });

  afterEach(async () => {
    // Every test's requests and answers held to the provider's contract.
    if (gitlab.problems.length) throw new Error(gitlab.problems.join('\n'));
    await gitlab.close();
  });

  async function newWriter(
    records?: FeedbackRecords,
    heads?: MergeRequestHeads,
  ) {
    return new FeedbackWriter({
      feed,
      records:
        records ??
        (await FeedbackRecords.create(
          databaseOf(await databases.init('SQLITE_3')),
        )),
      clients: createFeedbackClients(
        new ConfigReader({
          integrations: {
            gitlab: [
              {
                host: 'gitlab.example.com',
                baseUrl: gitlab.url,
                apiBaseUrl: `${gitlab.url}/api/v4`,
                token: gitlab.token,
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
      logger: mockServices.logger.mock(),
      heads,
      now: () => now,
    });
  }
  const at = (doneWaves: number) =>
    environmentAt({
      doneWaves,
      mergeRequestUrl: MR_URL,
      urls: doneWaves >= 4 ? ['https://shop.pr-12.example.com'] : [],
    });
  const ours = () =>
    [...gitlab.notes.values()].filter(n =>
      n.body.startsWith('<!-- blueberry:environment=pr-12 -->'),
    );

  it('keeps one note and sets the commit status blueberry/<environment> as the environment goes', async () => {
    // What people (and GitLab) said before: not ours, even one that quotes our marker inside.
    for (const body of [
      'LGTM',
      'see <!-- blueberry:environment=pr-12 --> below',
    ]) {
      gitlab.notes.set(gitlab.notes.size + 1, {
        id: gitlab.notes.size + 1,
        project: 'shop/shop',
        iid: 12,
        body,
        system: false,
      });
    }
    gitlab.notes.set(3, {
      id: 3,
      project: 'shop/shop',
      iid: 12,
      body: 'added 1 commit',
      system: true,
    });
    const writer = await newWriter();
    for (const doneWaves of [0, 2, 4]) {
      feed.set(at(doneWaves));
      now += 1_000;
      await writer.run();
    }
    expect(ours()).toHaveLength(1);
    expect(ours()[0].body).toContain('✅ ready');
    expect(ours()[0].body).toContain('<https://shop.pr-12.example.com>');
    expect(gitlab.statuses.map(s => s.status)).toEqual(['running', 'success']);
    expect(gitlab.statuses.at(-1)).toMatchObject({
      sha: HEAD,
      name: 'blueberry/pr-12',
      targetUrl: PAGE,
    });
    // GitLab's environment of the same name shows the preview URL on the merge request.
    expect(gitlab.environments).toEqual([
      expect.objectContaining({
        name: 'pr-12',
        externalUrl: 'https://shop.pr-12.example.com',
        state: 'available',
        tier: 'development',
      }),
    ]);
    // The project travelled URL-encoded.
    expect(gitlab.requests.some(r => r.path.includes('shop%2Fshop'))).toBe(
      true,
    );

    // Merged and gone: the note's last word; the commit's status stays as it was.
    gitlab.mergeRequests.get('shop/shop!12')!.state = 'merged';
    feed.set();
    now += 1_000;
    await writer.run();
    expect(ours()).toHaveLength(1);
    expect(ours()[0].body).toContain('🗑️ removed: merge request merged');
    expect(gitlab.statuses).toHaveLength(2);
    expect(gitlab.environments[0].state).toBe('stopped');
  });

  it('finds its note again across pages after losing its records, and takes GitLab refusing an unchanged status', async () => {
    for (const body of ['one', 'two', 'three', 'four']) {
      const id = 100 + gitlab.notes.size;
      gitlab.notes.set(id, {
        id,
        project: 'shop/shop',
        iid: 12,
        body,
        system: false,
      });
    }
    feed.set(at(4));
    await (await newWriter()).run();
    feed.set({ ...at(4), expiresAt: '2030-01-05T12:00:00Z' });
    now += 1_000;
    await (await newWriter()).run();
    expect(ours()).toHaveLength(1);
    expect(ours()[0].body).toContain('2030-01-05T12:00:00Z');
    // Pages of two: the first writer read 4 notes (2 pages), the second 5, ours the last (3 pages).
    const listed = gitlab.requests.filter(r => r.endpoint === 'list notes');
    expect(listed).toHaveLength(5);
    // The second writer set `success` again; GitLab's 400 for that is no failure.
    expect(
      gitlab.requests
        .filter(r => r.endpoint === 'commit status')
        .map(r => r.status),
    ).toEqual([201, 400]);
  });

  it("sends a rate-limited request once and waits as GitLab's Retry-After says", async () => {
    const records = await FeedbackRecords.create(
      databaseOf(await databases.init('SQLITE_3')),
    );
    const writer = await newWriter(records);
    gitlab.failOnce({
      endpoint: 'create note',
      status: 429,
      headers: { 'retry-after': '120' },
      body: { message: 'Retry later' },
    });
    feed.set(at(1));
    await writer.run();
    // One attempt, not gitbeaker's ten in a quarter of a second, and the wait GitLab asked for.
    const created = () =>
      gitlab.requests.filter(r => r.endpoint === 'create note');
    expect(created().map(r => r.status)).toEqual([429]);
    const [record] = await records.list();
    expect(record.retryAt! - now).toBe(120_000);
    expect(ours()).toHaveLength(0);

    now += 119_000;
    await writer.run();
    expect(created()).toHaveLength(1);
    now += 1_000;
    await writer.run();
    expect(created().map(r => r.status)).toEqual([429, 201]);
    expect(ours()).toHaveLength(1);
  });

  it("says in the note when the merge request's head is ahead of what runs, and why, until it runs", async () => {
    const heads = new MergeRequestHeads(
      CacheManager.fromConfig(
        new ConfigReader({ backend: { cache: { store: 'memory' } } }),
      ).forPlugin('blueberry'),
    );
    const writer = await newWriter(undefined, heads);
    const running = (commit: string) => {
      feed.environments = [{ environment: at(4), commit }];
    };
    const push = {
      provider: 'gitlab',
      url: MR_URL,
      headSha: NEXT,
    } as MergeRequestChange;
    const why = `Image 127.0.0.1:7082/shop/backend:${NEXT.slice(
      0,
      7,
    )} is not in the registry yet`;

    running(HEAD);
    await heads.record(push, { status: 'failed', environment: 'pr-12', why });
    await writer.run();
    expect(ours()[0].body).toContain(
      `**Head \`${NEXT.slice(
        0,
        7,
      )}\` is ahead of it:** not deployed: \`${why}\``,
    );

    // CI pushed the image; the redelivered push applies it and Argo CD moves on.
    await heads.record(push, {
      status: 'updated',
      environment: 'pr-12',
      taskId: 't',
    });
    now += 1_000;
    await writer.run();
    expect(ours()[0].body).toContain('is ahead of it:** being deployed');

    running(NEXT);
    now += 1_000;
    await writer.run();
    expect(ours()).toHaveLength(1);
    expect(ours()[0].body).not.toContain('ahead');
    expect(ours()[0].body).toContain(
      `**Running commit:** \`${NEXT.slice(0, 7)}\``,
    );
  });
});
