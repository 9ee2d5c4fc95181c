import { InputError } from '@backstage/errors';
import { renderEnvironment } from '../../render/renderEnvironment';
import {
  GitlabApiStandIn,
  startGitlabApiStandIn,
} from '@blueberry-idp/test-utils';
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
 * to main (as merging does), then read back page by page, and a rollback proposed by merge request
 * through proposeChange.
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
    // What a rollback proposes: the files at the revision, and the deletion of every file since.
    const [atInitial, current] = await Promise.all([
      repository.readFiles('pr-12', revisions.initial),
      repository.readFiles('pr-12'),
    ]);
    const proposal = await repository.proposeChange({
      environment: 'pr-12',
      kind: 'rollback',
      summary: 'roll back environment pr-12',
      request: {
        reason: 'restore its first files',
        requestedBy: 'user:default/jane',
        task: 'test',
      },
      files: [
        ...[...atInitial].map(([path, content]) => ({ path, content })),
        ...[...current.keys()]
          .filter(path => !atInitial.has(path))
          .map(path => ({ path, content: null })),
      ],
    });

    expect(proposal).toMatchObject({
      status: 'proposed',
      url: `https://gitlab.example.com/${PROJECT}/-/merge_requests/1`,
    });
    expect(gitlab.mergeRequests[0]).toMatchObject({
      source_branch: 'blueberry/rollback-pr-12',
      target_branch: 'main',
      title: 'Roll back environment pr-12',
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

    // Merged, the history has the rollback's commit on top (the merge commit changes nothing
    // against it, so git's simplification leaves it out).
    gitlab.merge(1);
    const [top] = (await repository.history('pr-12', { limit: 1 })).commits;
    expect(top.message.split('\n')[0]).toBe(
      'blueberry: roll back environment pr-12',
    );
    expect(top.files).toEqual(
      expect.arrayContaining([
        { path: NAMESPACE, change: 'added' },
        { path: APPLICATION, change: 'modified' },
      ]),
    );
  });
});
