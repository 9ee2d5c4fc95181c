import { mockServices } from '@backstage/backend-test-utils';
import {
  createGitopsRepository,
  GitopsRepository,
  renderEnvironment,
} from '@blueberry-idp/plugin-blueberry-node';
import {
  GitlabApiStandIn,
  startGitlabApiStandIn,
} from '@blueberry-idp/test-utils';
import { parse } from 'yaml';
import { RENDER_OPTIONS, shopSpec } from '../../__testUtils__/lifecycleRepo';
import {
  EnvironmentHistory,
  ROLLBACK_TASK,
} from '../history/EnvironmentHistory';
import { EnvironmentKeeper } from './EnvironmentKeeper';
import { EnvironmentLifecycle } from './EnvironmentLifecycle';
import { EXPIRY_JANITOR_TASK_ID, ExpiryJanitor } from './ExpiryJanitor';

const NOW = new Date('2030-01-10T12:00:00Z');
const TOKEN = 'glpat-lifecycle-test-token';

/**
 * The lifecycle on a GitOps repository on GitLab: the janitor and Keep propose their changes as
 * merge requests through GitLab's API (a stand-in over real HTTP), by the same EnvironmentLifecycle
 * as on a local repository (ExpiryJanitor.test.ts) and on GitHub (gitopsHosts.test.ts).
 */
describe('EnvironmentLifecycle on GitlabGitopsRepository against a GitLab API stand-in', () => {
  let gitlab: GitlabApiStandIn;
  let files0: Map<string, string>;

  beforeEach(async () => {
    const specs = [
      shopSpec('pr-1', '2030-01-09T12:00:00Z'), // expired a day ago
      shopSpec('pr-2', '2030-01-10T20:00:00Z'), // in 8 hours
      shopSpec('pr-3', '2030-02-01T00:00:00Z'), // weeks away
      shopSpec('main-line', undefined), // long-lived
    ];
    gitlab = await startGitlabApiStandIn({
      token: TOKEN,
      project: 'platform/gitops',
      files: Object.fromEntries(
        specs.flatMap(s =>
          renderEnvironment(s, RENDER_OPTIONS).map(f => [f.path, f.content]),
        ),
      ),
    });
  });
  let gitops: GitopsRepository;
  beforeEach(async () => {
    files0 = new Map(gitlab.branches.get('main'));
    // The GitLab implementation of the layer, as blueberry.gitops.gitlab makes it.
    gitops = (await createGitopsRepository({
      gitlab: {
        apiBaseUrl: gitlab.url,
        token: TOKEN,
        project: 'platform/gitops',
        branch: 'main',
      },
    }))!;
  });
  afterEach(() => gitlab.stop());

  const repository = () => gitops;
  const lifecycle = () =>
    new EnvironmentLifecycle({ repository: repository() });
  const janitor = () => {
    return new ExpiryJanitor({
      lifecycle: lifecycle(),
      warnBeforeMs: 3600_000,
      logger: mockServices.logger.mock(),
      now: () => NOW,
    });
  };

  it("lists every environment's expiry from one batched read of the Applications only", async () => {
    const kept: string[] = [];
    let folderReads = 0;
    const real = gitops;
    const counting: GitopsRepository = {
      headRevision: () => real.headRevision(),
      listEnvironments: () => real.listEnvironments(),
      readEnvironments: async query => {
        const folders = await real.readEnvironments(query);
        for (const files of folders.values()) kept.push(...files.keys());
        return folders;
      },
      openProposals: environment => real.openProposals(environment),
      readFiles: (environment, revision) => {
        folderReads++;
        return real.readFiles(environment, revision);
      },
      history: (environment, query) => real.history(environment, query),
      environmentChangeAt: (environment, revision) =>
        real.environmentChangeAt(environment, revision),
      proposeChange: change => real.proposeChange(change),
    };
    const listed = await new EnvironmentLifecycle({
      repository: counting,
    }).listEnvironments();
    expect(
      listed.map(e => [e.name, e.expiresAt?.toISOString()]).sort(),
    ).toEqual([
      ['main-line', undefined],
      ['pr-1', '2030-01-09T12:00:00.000Z'],
      ['pr-2', '2030-01-10T20:00:00.000Z'],
      ['pr-3', '2030-02-01T00:00:00.000Z'],
    ]);
    expect(kept.sort()).toEqual(
      ['main-line', 'pr-1', 'pr-2', 'pr-3'].map(
        e => `environments/${e}/application.yaml`,
      ),
    );
    expect(folderReads).toBe(0);
  });

  it('the janitor opens one merge request removing the expired environment, saying who, which task and why', async () => {
    const summary = await janitor().run();

    expect(summary).toEqual({
      removed: ['pr-1'],
      alreadyGone: [],
      warned: [],
      failed: [],
    });
    expect(gitlab.commits).toHaveLength(1);
    expect(gitlab.commits[0]).toMatchObject({
      branch: 'blueberry/remove-pr-1',
      message: [
        'blueberry: remove environment pr-1',
        '',
        'Reason: expired at 2030-01-09T12:00:00Z (blueberry.io/expires-at), checked at 2030-01-10T12:00:00Z',
        'Requested-by: blueberry-expiry-janitor (plugin:blueberry)',
        `Task: ${EXPIRY_JANITOR_TASK_ID}`,
      ].join('\n'),
    });
    // Not vacuous: the commit deletes the Application, and nothing outside the environment.
    expect(gitlab.commits[0].deleted).toContain(
      'environments/pr-1/application.yaml',
    );
    expect(
      gitlab.commits[0].deleted.every(f => f.startsWith('environments/pr-1/')),
    ).toBe(true);
    expect(gitlab.mergeRequests).toEqual([
      expect.objectContaining({
        title: 'Remove environment pr-1',
        target_branch: 'main',
        state: 'opened',
      }),
    ]);
  });

  it('runs again, and two at once, while the merge request is open: still exactly one', async () => {
    await janitor().run();
    const again = await janitor().run();
    const [a, b] = await Promise.all([janitor().run(), janitor().run()]);

    for (const run of [again, a, b]) {
      expect(run).toMatchObject({
        removed: [],
        alreadyGone: ['pr-1'],
        failed: [],
      });
    }
    expect(gitlab.commits).toHaveLength(1);
    expect(gitlab.mergeRequests).toHaveLength(1);
  });

  it('two janitors racing on a fresh expiry make one commit and one merge request', async () => {
    const [a, b] = await Promise.all([janitor().run(), janitor().run()]);

    expect([...a.failed, ...b.failed]).toEqual([]);
    expect(gitlab.commits).toHaveLength(1);
    expect(gitlab.mergeRequests).toHaveLength(1);
  });

  it('Keep opens a merge request changing only the expiry in application.yaml', async () => {
    const keeper = new EnvironmentKeeper({
      lifecycle: lifecycle(),
      extensionMs: 72 * 3600_000,
      now: () => NOW,
    });
    const kept = await keeper.keep({
      environment: 'pr-2',
      requestedBy: 'user:default/jane',
    });

    expect(kept).toEqual({
      expiresAt: '2030-01-13T12:00:00Z', // now + 72 h
      previousExpiresAt: '2030-01-10T20:00:00Z',
      change: gitlab.mergeRequests[0].web_url,
    });
    expect(gitlab.commits).toEqual([
      expect.objectContaining({
        branch: 'blueberry/keep-pr-2',
        updated: ['environments/pr-2/application.yaml'],
        deleted: [],
      }),
    ]);
    expect(gitlab.commits[0].message).toContain(
      'Requested-by: user:default/jane',
    );
    const file = 'environments/pr-2/application.yaml';
    const proposed = gitlab.branches.get('blueberry/keep-pr-2')!.get(file)!;
    expect(
      parse(proposed).metadata.annotations['blueberry.io/expires-at'],
    ).toBe('2030-01-13T12:00:00Z');
    // Only the annotation differs from main's file.
    expect(
      proposed.replace('2030-01-13T12:00:00Z', '2030-01-10T20:00:00Z'),
    ).toBe(gitlab.branches.get('main')!.get(file));
    await expect(
      keeper.keep({ environment: 'pr-99', requestedBy: 'user:default/jane' }),
    ).rejects.toThrow(/not in the GitOps repository/);
  });

  it('history and rollback: the commits from GitLab with their links, the rollback a merge request saying who asked', async () => {
    const history = new EnvironmentHistory({ repository: repository() });
    const before = (await history.history('pr-2', {}, { limit: 10 })).items;
    expect(before).toHaveLength(1);
    // Keep, merged: a second change of pr-2 on main.
    await new EnvironmentKeeper({
      lifecycle: lifecycle(),
      extensionMs: 72 * 3600_000,
      now: () => NOW,
    }).keep({ environment: 'pr-2', requestedBy: 'user:default/jane' });
    gitlab.merge(1);
    const items = (await history.history('pr-2', {}, { limit: 10 })).items;
    expect(items.map(i => i.message.split('\n')[0])).toEqual([
      'blueberry: extend environment pr-2',
      before[0].message.split('\n')[0],
    ]);
    expect(items[0]).toMatchObject({
      author: 'user:default/jane',
      changeUrl: `https://gitlab.example.com/platform/gitops/-/commit/${items[0].revision}`,
      current: false,
    });

    const change = await history.rollback({
      environment: 'pr-2',
      revision: before[0].revision,
      requestedBy: 'user:default/jane',
    });

    expect(change).toEqual({
      kind: 'merge-request',
      url: gitlab.mergeRequests[1].web_url,
    });
    expect(gitlab.mergeRequests[1]).toMatchObject({
      source_branch: 'blueberry/rollback-pr-2',
      title: `Roll back environment pr-2 to ${before[0].revision.slice(0, 12)}`,
    });
    expect(gitlab.mergeRequests[1].description).toContain(
      'Requested-by: user:default/jane',
    );
    expect(gitlab.mergeRequests[1].description).toContain(
      `Task: ${ROLLBACK_TASK}`,
    );
    const file = 'environments/pr-2/application.yaml';
    expect(gitlab.branches.get('blueberry/rollback-pr-2')!.get(file)).toBe(
      files0.get(file),
    );
  });
});
