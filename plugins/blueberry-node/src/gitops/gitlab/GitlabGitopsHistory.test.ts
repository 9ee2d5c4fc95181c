import { ConflictError, InputError } from '@backstage/errors';
import { renderEnvironment } from '../../render/renderEnvironment';
import {
  GitlabApiStandIn,
  startGitlabApiStandIn,
} from '../../testUtils/gitlabApiStandIn';
import {
  shopPullRequestEnvironment,
  shopSourceRepos,
} from '../../testUtils/shopEnvironment';
import { GitlabGitopsRepository } from './GitlabGitopsRepository';

const TOKEN = 'glpat-test-token-0123456789';
const PROJECT = 'platform/gitops';
const RENDER = {
  gitops: {
    repoURL: 'https://gitlab.example.com/platform/gitops.git',
    targetRevision: 'main',
    sourceRepos: shopSourceRepos(),
  },
};
const DIR = 'environments/pr-12';
const NAMESPACE = `${DIR}/manifests/namespace.yaml`;
const MOVED = `${DIR}/manifests/ns.yaml`;
const APPLICATION = `${DIR}/application.yaml`;

const files = Object.fromEntries(
  [
    shopPullRequestEnvironment('pr-12'),
    shopPullRequestEnvironment('pr-13'),
  ].flatMap(s => renderEnvironment(s, RENDER).map(f => [f.path, f.content])),
);

/**
 * History and rollback through GitLab's Commits API, against the stand-in over HTTP: commits pushed
 * to main (as merging does), then read back page by page, and a rollback proposed by merge request.
 */
describe('GitlabGitopsRepository history and rollback', () => {
  let gitlab: GitlabApiStandIn;
  let repository: GitlabGitopsRepository;
  const revisions: Record<string, string> = {};

  /** A commit straight onto main through GitLab's API, as a merged change lands there. */
  async function push(message: string, actions: Array<Record<string, string>>) {
    const response = await fetch(
      `${gitlab.url}/projects/${encodeURIComponent(
        PROJECT,
      )}/repository/commits`,
      {
        method: 'POST',
        headers: { 'PRIVATE-TOKEN': TOKEN, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          branch: 'main',
          commit_message: message,
          actions,
        }),
      },
    );
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  }

  beforeEach(async () => {
    gitlab = await startGitlabApiStandIn({
      token: TOKEN,
      project: PROJECT,
      files,
    });
    repository = new GitlabGitopsRepository({
      apiBaseUrl: gitlab.url,
      token: TOKEN,
      project: PROJECT,
      branch: 'main',
    });
    revisions.initial = (
      await repository.history('pr-12', { limit: 1 })
    ).commits[0].revision;
    revisions.update = await push(
      'blueberry: update environment pr-12\n\nReason: new head\nRequested-by: user:default/jane\nTask: test',
      [
        {
          action: 'update',
          file_path: APPLICATION,
          content: `${files[APPLICATION]}# updated\n`,
        },
      ],
    );
    revisions.other = await push('blueberry: update environment pr-13', [
      {
        action: 'update',
        file_path: 'environments/pr-13/application.yaml',
        content: 'changed: true\n',
      },
    ]);
    revisions.rename = await push('rename the namespace manifest', [
      { action: 'move', previous_path: NAMESPACE, file_path: MOVED },
    ]);
    revisions.remove = await push('remove the namespace manifest', [
      { action: 'delete', file_path: MOVED },
    ]);
  });
  afterEach(() => gitlab.stop());

  it('pages through the commits touching the folder, newest first, with files, diffs, trailers and links', async () => {
    const first = await repository.history('pr-12', { limit: 2 });
    expect(first.commits.map(c => c.revision)).toEqual([
      revisions.remove,
      revisions.rename,
    ]);
    expect(first.nextCursor).toBe(revisions.update);
    const second = await repository.history('pr-12', {
      limit: 2,
      cursor: first.nextCursor,
    });
    expect(second.commits.map(c => c.revision)).toEqual([
      revisions.update,
      revisions.initial,
    ]);
    expect(second.nextCursor).toBeUndefined();

    const [remove, rename] = first.commits;
    expect(remove.files).toEqual([{ path: MOVED, change: 'deleted' }]);
    expect(remove.diff).toContain(`--- a/${MOVED}\n+++ /dev/null`);
    expect(rename.files).toEqual([
      { path: MOVED, change: 'renamed', previousPath: NAMESPACE },
    ]);
    expect(rename.diff).toContain(
      `rename from ${NAMESPACE}\nrename to ${MOVED}`,
    );
    const update = second.commits[0];
    expect(update).toMatchObject({
      trailers: { 'Requested-by': 'user:default/jane', Reason: 'new head' },
      files: [{ path: APPLICATION, change: 'modified' }],
      url: `https://gitlab.example.com/${PROJECT}/-/commit/${revisions.update}`,
      diffTruncated: false,
    });
    expect(update.diff).toContain('+# updated');
    // The first commit holds both environments; only pr-12's files are this history's.
    expect(
      second.commits[1].files.every(f => f.path.startsWith(`${DIR}/`)),
    ).toBe(true);

    await expect(
      repository.history('pr-12', { limit: 2, cursor: 'f'.repeat(40) }),
    ).rejects.toThrow(InputError);
    await expect(
      repository.history('pr-12', { limit: 2, cursor: 'main' }),
    ).rejects.toThrow(InputError);
  });

  it("maps a revision Argo CD synced (another environment's commit) to the folder's change", async () => {
    expect(await repository.environmentChangeAt('pr-12', revisions.other)).toBe(
      revisions.update,
    );
    expect(
      await repository.environmentChangeAt('pr-12', 'e'.repeat(40)),
    ).toBeUndefined();
  });

  it('proposes the rollback as one merge request restoring exactly the files of the revision', async () => {
    const proposal = await repository.proposeRestore({
      environment: 'pr-12',
      revision: revisions.initial,
      message: 'blueberry: roll back environment pr-12',
      title: 'Roll back environment pr-12',
      description: 'Requested-by: user:default/jane',
    });

    expect(proposal.mergeRequestUrl).toBe(
      `https://gitlab.example.com/${PROJECT}/-/merge_requests/1`,
    );
    expect(gitlab.mergeRequests[0]).toMatchObject({
      source_branch: 'blueberry/rollback-pr-12',
      target_branch: 'main',
      title: 'Roll back environment pr-12',
      description: 'Requested-by: user:default/jane',
    });
    const folder = (branch: Map<string, string>) =>
      [...branch].filter(([f]) => f.startsWith(`${DIR}/`)).sort();
    const proposed = gitlab.branches.get('blueberry/rollback-pr-12')!;
    expect(folder(proposed)).toEqual(
      Object.entries(files)
        .filter(([f]) => f.startsWith(`${DIR}/`))
        .sort(),
    );
    // pr-13's later change is left as it is.
    expect(proposed.get('environments/pr-13/application.yaml')).toBe(
      'changed: true\n',
    );

    // A second rollback while one is open is refused. Merged, the history has the rollback's commit
    // on top (the merge commit changes nothing against it, so git's simplification leaves it out).
    await expect(
      repository.proposeRestore({
        environment: 'pr-12',
        revision: revisions.update,
        message: 'again',
        title: 'again',
        description: 'again',
      }),
    ).rejects.toThrow(ConflictError);
    gitlab.merge(1);
    const [top] = (await repository.history('pr-12', { limit: 1 })).commits;
    expect(top.message).toBe('blueberry: roll back environment pr-12');
    expect(top.files).toEqual(
      expect.arrayContaining([
        { path: NAMESPACE, change: 'added' },
        { path: APPLICATION, change: 'modified' },
      ]),
    );
  });

  it('refuses a revision outside the history, one that removed nothing to restore, an open change and the current files, proposing nothing', async () => {
    const restore = (revision: string) =>
      repository.proposeRestore({
        environment: 'pr-12',
        revision,
        message: 'm',
        title: 't',
        description: 'd',
      });
    await expect(restore(revisions.other)).rejects.toThrow(
      /not in the history of environment 'pr-12'/,
    );
    await expect(restore('0'.repeat(40))).rejects.toThrow(InputError);
    await expect(restore(revisions.remove)).rejects.toThrow(ConflictError);

    await repository.proposeRemoval({
      environment: 'pr-12',
      message: 'remove',
      title: 'Remove environment pr-12',
      description: 'd',
    });
    const commits = gitlab.commits.length;
    await expect(restore(revisions.initial)).rejects.toThrow(
      /Merge request !1 .* is still open/,
    );
    expect(gitlab.commits).toHaveLength(commits);
    expect(gitlab.mergeRequests).toHaveLength(1);
  });
});
