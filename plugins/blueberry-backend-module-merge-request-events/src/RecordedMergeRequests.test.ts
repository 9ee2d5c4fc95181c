import {
  shopBackendComponent,
  shopPullRequestEnvironment,
} from '@blueberry-idp/plugin-blueberry-node/testUtils';
import { type GitopsHost, startGitopsHost } from './__testUtils__/gitopsHost';
import {
  DEFAULT_INDEX_TTL_MS,
  mergeRequestKey,
  RecordedMergeRequests,
} from './RecordedMergeRequests';

// Real git on a shared 2-core machine.
jest.setTimeout(60_000);

const PR_12 = 'https://github.com/acme/store/pull/12';
const PR_13 = 'https://github.com/acme/store/pull/13';
const PR_14 = 'https://github.com/acme/store/pull/14';
const FILE = 'environments/store-pr-12/application.yaml';

describe('mergeRequestKey', () => {
  it('is one merge request whatever spells its URL, and tells providers, hosts and projects apart', () => {
    expect(mergeRequestKey('https://GitHub.com/Acme/Store/pull/12/')).toBe(
      mergeRequestKey(PR_12),
    );
    const others = [
      'https://gitlab.example.com/acme/store/-/merge_requests/12',
      'https://github.example.com/acme/store/pull/12',
      'https://github.com/acme/admin/pull/12',
      PR_13,
    ].map(mergeRequestKey);
    expect(new Set([mergeRequestKey(PR_12), ...others]).size).toBe(5);
    expect(mergeRequestKey('https://github.com/acme/store/issues/12')).toBe(
      undefined,
    );
    expect(mergeRequestKey(undefined)).toBeUndefined();
  });
});

describe('RecordedMergeRequests on a real local repository', () => {
  let host: GitopsHost;
  let now = 0;

  beforeEach(async () => {
    now = 1_000_000;
    host = await startGitopsHost('local', [
      shopPullRequestEnvironment('store-pr-12', {
        pullRequest: 12,
        mergeRequestUrl: PR_12,
        components: [shopBackendComponent()],
      }),
    ]);
  });

  afterEach(() => host.close());

  /** A person points store-pr-12 at another pull request, on the followed branch. */
  async function rewrite(from: string, to: string) {
    const application = (await host.repository.readFiles('store-pr-12')).get(
      FILE,
    )!;
    await host.repository.proposeChange({
      environment: 'store-pr-12',
      kind: 'update',
      summary: 'update environment store-pr-12',
      request: { reason: 'moved', requestedBy: 'user:default/jane', task: 't' },
      files: [
        {
          path: FILE,
          content: application.toString('utf8').replace(from, to),
        },
      ],
    });
  }

  it('finds an environment by the merge request it records, and one made later at once', async () => {
    const index = new RecordedMergeRequests({
      repository: host.repository,
      now: () => now,
    });
    await expect(index.environmentsOf(PR_12)).resolves.toEqual([
      { environment: 'store-pr-12' },
    ]);
    await host.add(
      shopPullRequestEnvironment('store-pr-13', {
        pullRequest: 13,
        mergeRequestUrl: PR_13,
        components: [shopBackendComponent()],
      }),
    );
    await expect(index.environmentsOf(PR_13)).resolves.toEqual([
      { environment: 'store-pr-13' },
    ]);
  });

  it('never acts on a stale entry: a rewritten environment is read again before it is used', async () => {
    const index = new RecordedMergeRequests({
      repository: host.repository,
      now: () => now,
    });
    await index.environmentsOf(PR_12);
    await rewrite(PR_12, PR_13);
    await expect(index.environmentsOf(PR_12)).resolves.toEqual([]);
    await expect(index.environmentsOf(PR_13)).resolves.toEqual([
      { environment: 'store-pr-12' },
    ]);
  });

  it('trusts what it has not confirmed for the TTL only, then reads everything again', async () => {
    const index = new RecordedMergeRequests({
      repository: host.repository,
      now: () => now,
    });
    // Indexed by an event of a pull request that has no environment.
    await index.environmentsOf('https://github.com/acme/store/pull/99');
    await rewrite(PR_12, PR_13);
    // Within the TTL, #13's event does not see the rewrite (the listing did not change)...
    now += DEFAULT_INDEX_TTL_MS - 1;
    await expect(index.environmentsOf(PR_13)).resolves.toEqual([]);
    // ...after it, everything is read again; so is an environment our own change touched.
    now += 2;
    await expect(index.environmentsOf(PR_13)).resolves.toEqual([
      { environment: 'store-pr-12' },
    ]);
    await rewrite(PR_13, PR_14);
    index.forget('store-pr-12');
    await expect(index.environmentsOf(PR_14)).resolves.toEqual([
      { environment: 'store-pr-12' },
    ]);
  });

  it('builds the index with one batched read of the Applications, not a read per environment', async () => {
    for (const n of [13, 14]) {
      await host.add(
        shopPullRequestEnvironment(`store-pr-${n}`, {
          pullRequest: n,
          mergeRequestUrl: `https://github.com/acme/store/pull/${n}`,
          components: [shopBackendComponent()],
        }),
      );
    }
    const real = host.repository;
    const reads = { batched: 0, folders: [] as string[], kept: 0 };
    const index = new RecordedMergeRequests({
      repository: {
        headRevision: () => real.headRevision(),
        listEnvironments: () => real.listEnvironments(),
        readEnvironments: async query => {
          reads.batched++;
          const folders = await real.readEnvironments(query);
          for (const files of folders.values()) reads.kept += files.size;
          return folders;
        },
        openProposals: environment => real.openProposals(environment),
        readFiles: (environment, revision) => {
          reads.folders.push(environment);
          return real.readFiles(environment, revision);
        },
        history: (environment, query) => real.history(environment, query),
        environmentChangeAt: (environment, revision) =>
          real.environmentChangeAt(environment, revision),
        proposeChange: change => real.proposeChange(change),
      },
      now: () => now,
    });
    await expect(index.environmentsOf(PR_14)).resolves.toEqual([
      { environment: 'store-pr-14' },
    ]);
    // One batch kept the three Applications only; the one found was confirmed by its own read.
    expect(reads).toEqual({ batched: 1, folders: ['store-pr-14'], kept: 3 });
    await expect(index.environmentsOf(PR_13)).resolves.toEqual([
      { environment: 'store-pr-13' },
    ]);
    expect(reads.batched).toBe(1);
  });
});
