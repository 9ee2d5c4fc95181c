import { renderEnvironment } from '../../render/renderEnvironment';
import {
  GitlabApiStandIn,
  startGitlabApiStandIn,
} from '@blueberry-idp/test-utils';
import {
  shopPullRequestEnvironment,
  shopSourceRepos,
} from '../../testUtils/shopEnvironment';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gitopsCommitMessage } from '../changeMessage';
import type { GitopsChange } from '../GitopsRepository';
import { GitlabGitopsRepository } from './GitlabGitopsRepository';

const TOKEN = 'glpat-test-token-0123456789';
const RENDER = {
  gitops: {
    repoURL: 'https://gitlab.example.com/platform/gitops.git',
    targetRevision: 'main',
    sourceRepos: shopSourceRepos(),
  },
};

/** The files the renderer writes for pr-12 and pr-13, as the GitOps repository's main branch. */
const files = Object.fromEntries(
  [
    shopPullRequestEnvironment('pr-12'),
    shopPullRequestEnvironment('pr-13'),
  ].flatMap(s => renderEnvironment(s, RENDER).map(f => [f.path, f.content])),
);
const pr12Files = Object.keys(files)
  .filter(f => f.startsWith('environments/pr-12/'))
  .sort();

const REQUEST = {
  reason: 'merge request !12 was merged',
  requestedBy: 'gitlab:jane',
  task: 'test',
};

/** The removal of an environment: each of the given files deleted. */
const removal = (environment: string, paths: string[]): GitopsChange => ({
  environment,
  kind: 'remove',
  summary: `remove environment ${environment}`,
  request: REQUEST,
  files: paths.map(path => ({ path, content: null })),
});

describe('GitlabGitopsRepository against a GitLab API stand-in over HTTP', () => {
  let gitlab: GitlabApiStandIn;
  let repository: GitlabGitopsRepository;

  beforeEach(async () => {
    // Two entries per page of every list, so the client must follow GitLab's pagination.
    gitlab = await startGitlabApiStandIn({
      token: TOKEN,
      project: 'platform/gitops',
      files,
      maxPerPage: 2,
    });
    repository = new GitlabGitopsRepository({
      apiBaseUrl: gitlab.url,
      token: TOKEN,
      project: 'platform/gitops',
      branch: 'main',
    });
  });
  afterEach(() => gitlab.stop());

  it('reads an environment’s files on the followed branch, with encoded paths', async () => {
    const pr12 = await repository.readFiles('pr-12');
    expect([...pr12.keys()].sort()).toEqual(pr12Files);
    expect(pr12.get('environments/pr-12/application.yaml')?.toString()).toBe(
      files['environments/pr-12/application.yaml'],
    );
    expect((await repository.readFiles('pr-99')).size).toBe(0);
    expect(gitlab.requests).toContain(
      'GET /api/v4/projects/platform%2Fgitops/repository/files/environments%2Fpr-12%2Fapplication.yaml/raw',
    );
    // The tree is keyset-paged (GitLab's tree has no numbered pages since 15.0): the pages after
    // the first come from the Link header's page_token.
    const treeQueries = gitlab.queries
      .filter((_, i) => gitlab.requests[i].endsWith('/repository/tree'))
      .map(q => new URLSearchParams(q));
    expect(treeQueries.length).toBeGreaterThan(2);
    expect(treeQueries.every(q => q.get('pagination') === 'keyset')).toBe(true);
    expect(treeQueries.filter(q => !q.has('page_token'))).toHaveLength(2);
  });

  it('follows GitLab’s Link pagination through a commit’s diff and the merge request list', async () => {
    const removed = await repository.proposeChange(removal('pr-12', pr12Files));
    gitlab.merge(1);
    // The merge is the same folder as the removal, so git's history simplification leaves it out.
    const [removal12] = (await repository.history('pr-12', { limit: 1 }))
      .commits;
    expect(removal12.revision).toBe(removed.revision);
    // Every deleted file, though GitLab sent two diffs a page.
    expect(removal12.files.map(f => f.path).sort()).toEqual(pr12Files);
    expect(removal12.files.every(f => f.change === 'deleted')).toBe(true);
    // Three open merge requests for pr-13, two to a page.
    for (const kind of ['keep', 'update', 'remove']) {
      await repository.proposeChange({
        ...removal('pr-13', []),
        kind,
        files: [{ path: 'environments/pr-13/NOTES.md', content: `${kind}\n` }],
      });
    }
    const open = await repository.openProposals('pr-13');
    expect(open.map(p => p.kind).sort()).toEqual(['keep', 'remove', 'update']);
    const pages = gitlab.queries
      .filter(
        (_, i) =>
          gitlab.requests[i].startsWith('GET') &&
          gitlab.requests[i].endsWith('/merge_requests'),
      )
      .map(q => new URLSearchParams(q))
      .filter(q => !q.has('source_branch'));
    expect(pages.map(q => q.get('page'))).toEqual([null, '2']);
  });

  it('proposes the removal as one branch, one commit deleting exactly the environment’s files, one merge request', async () => {
    const change = removal('pr-12', pr12Files);
    const result = await repository.proposeChange(change);

    expect(result).toMatchObject({
      status: 'proposed',
      url: 'https://gitlab.example.com/platform/gitops/-/merge_requests/1',
      alreadyOpen: false,
    });
    expect(gitlab.commits).toEqual([
      {
        branch: 'blueberry/remove-pr-12',
        message: gitopsCommitMessage(change.summary, REQUEST),
        deleted: pr12Files,
        updated: [],
      },
    ]);
    expect(gitlab.mergeRequests).toEqual([
      expect.objectContaining({
        source_branch: 'blueberry/remove-pr-12',
        target_branch: 'main',
        title: 'Remove environment pr-12',
        remove_source_branch: true,
        state: 'opened',
      }),
    ]);
    // Nothing changes on main until the merge request is merged.
    expect((await repository.readFiles('pr-12')).size).toBe(pr12Files.length);
    gitlab.merge(1);
    expect((await repository.readFiles('pr-12')).size).toBe(0);
    expect((await repository.readFiles('pr-13')).size).toBeGreaterThan(0);
    expect(await repository.listEnvironments()).toEqual(['pr-13']);
  });

  it('lists the environments on the followed branch', async () => {
    expect(await repository.listEnvironments()).toEqual(['pr-12', 'pr-13']);
  });

  it('proposes a file update by merge request; a second one while it is open moves its branch on', async () => {
    const file = 'environments/pr-12/application.yaml';
    const update = (content: string) =>
      repository.proposeChange({
        environment: 'pr-12',
        kind: 'keep',
        summary: 'extend environment pr-12',
        request: { ...REQUEST, requestedBy: 'user:default/jane' },
        files: [{ path: file, content }],
      });
    const first = await update('first: 1\n');
    const second = await update('second: 2\n');

    expect(first).toMatchObject({ status: 'proposed', alreadyOpen: false });
    expect(second).toMatchObject({
      status: 'proposed',
      url: first.url,
      alreadyOpen: true,
    });
    expect(second.revision).not.toBe(first.revision);
    expect(gitlab.mergeRequests).toHaveLength(1);
    expect(gitlab.commits.map(c => [c.branch, c.updated])).toEqual([
      ['blueberry/keep-pr-12', [file]],
      ['blueberry/keep-pr-12', [file]],
    ]);
    expect(gitlab.branches.get('blueberry/keep-pr-12')!.get(file)).toBe(
      'second: 2\n',
    );
    expect(gitlab.branches.get('main')!.get(file)).toBe(files[file]);
  });

  it('two backends proposing at once open one merge request, which holds the change', async () => {
    const other = new GitlabGitopsRepository({
      apiBaseUrl: gitlab.url,
      token: TOKEN,
      project: 'platform/gitops',
      branch: 'main',
    });
    const results = await Promise.all([
      repository.proposeChange(removal('pr-12', pr12Files)),
      other.proposeChange(removal('pr-12', pr12Files)),
    ]);

    expect(gitlab.mergeRequests).toHaveLength(1);
    expect(results.map(r => r.url)).toEqual([
      gitlab.mergeRequests[0].web_url,
      gitlab.mergeRequests[0].web_url,
    ]);
    expect(results.map(r => r.alreadyOpen).sort()).toEqual([false, true]);
    const proposed = gitlab.branches.get('blueberry/remove-pr-12')!;
    expect(
      [...proposed.keys()].some(f => f.startsWith('environments/pr-12/')),
    ).toBe(false);
  });

  it('an environment that is not there is unchanged: no branch, commit or merge request', async () => {
    await expect(
      repository.proposeChange(
        removal('pr-99', ['environments/pr-99/application.yaml']),
      ),
    ).resolves.toMatchObject({ status: 'unchanged', alreadyOpen: false });
    expect(gitlab.commits).toEqual([]);
    expect(gitlab.mergeRequests).toEqual([]);
    expect(gitlab.requests.some(r => r.startsWith('POST'))).toBe(false);
  });

  it('a refused token is a ResponseError (401), and a bad name never reaches GitLab', async () => {
    const refused = new GitlabGitopsRepository({
      apiBaseUrl: gitlab.url,
      token: 'wrong',
      project: 'platform/gitops',
      branch: 'main',
    });
    await expect(
      refused.proposeChange(removal('pr-12', pr12Files)),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 401,
      message: expect.stringMatching(
        /^GitLab answered GET \/api\/v4\/projects\/platform%2Fgitops\/.* with 401: 401 Unauthorized$/,
      ),
    });
    const before = gitlab.requests.length;
    await expect(
      repository.proposeChange(removal('../bootstrap', [])),
    ).rejects.toThrow(/environment/);
    expect(gitlab.requests.length).toBe(before);
  });

  it('proposes a change on a branch a closed proposal left behind by resetting it, and a repeat finds the merge request', async () => {
    // An abandoned attempt: its branch holds a stray file, and no merge request is open.
    const stray = await fetch(
      `${gitlab.url}/projects/${encodeURIComponent(
        'platform/gitops',
      )}/repository/commits`,
      {
        method: 'POST',
        headers: { 'PRIVATE-TOKEN': TOKEN, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          branch: 'blueberry/remove-pr-13',
          start_branch: 'main',
          commit_message: 'an abandoned attempt',
          actions: [
            {
              action: 'create',
              file_path: 'environments/pr-13/stray.yaml',
              content: 'stray: true\n',
            },
          ],
        }),
      },
    );
    expect(stray.status).toBe(201);
    const change = {
      environment: 'pr-13',
      kind: 'remove',
      summary: 'remove environment pr-13',
      request: { reason: 'closed', requestedBy: 'gitlab:jane', task: 'test' },
      files: [{ path: 'environments/pr-13/application.yaml', content: null }],
    };
    const result = await repository.proposeChange(change);
    expect(result).toMatchObject({ status: 'proposed', alreadyOpen: false });
    const proposed = await repository.readFiles('pr-13', result.revision);
    expect(proposed.has('environments/pr-13/stray.yaml')).toBe(false);
    expect(proposed.has('environments/pr-13/application.yaml')).toBe(false);
    expect(gitlab.mergeRequests).toMatchObject([
      {
        source_branch: 'blueberry/remove-pr-13',
        title: 'Remove environment pr-13',
        remove_source_branch: true,
      },
    ]);
    await expect(repository.proposeChange(change)).resolves.toEqual({
      ...result,
      alreadyOpen: true,
    });
  });
});

describe('GitlabGitopsRepository and redirects', () => {
  /** A server that answers every request with `answer`, recording the headers it got. */
  async function server(answer: (res: http.ServerResponse) => void) {
    const tokens: Array<string | undefined> = [];
    const srv = http.createServer((req, res) => {
      tokens.push(req.headers['private-token'] as string | undefined);
      answer(res);
    });
    await new Promise<void>(resolve => srv.listen(0, '127.0.0.1', resolve));
    const { port } = srv.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      tokens,
      stop: () => new Promise<void>(resolve => srv.close(() => resolve())),
    };
  }

  it('does not follow a redirect, so the token never reaches another host', async () => {
    const elsewhere = await server(res => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('kind: Application\n');
    });
    const redirecting = await server(res => {
      res.writeHead(302, { Location: `${elsewhere.url}/steal` });
      res.end();
    });
    try {
      const repository = new GitlabGitopsRepository({
        apiBaseUrl: `${redirecting.url}/api/v4`,
        token: TOKEN,
        project: 'platform/gitops',
        branch: 'main',
      });
      await expect(repository.readFiles('pr-12')).rejects.toThrow(
        /redirect \(302\); not followed/,
      );
      // The API host got the token; the host the redirect named got nothing at all.
      expect(redirecting.tokens).toEqual([TOKEN]);
      expect(elsewhere.tokens).toEqual([]);
    } finally {
      await redirecting.stop();
      await elsewhere.stop();
    }
  });
});
