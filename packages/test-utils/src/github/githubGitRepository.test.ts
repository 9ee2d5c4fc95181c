import { Octokit } from '@octokit/rest';
import {
  startGithubGitopsStandIn,
  type GithubGitopsStandIn,
} from './githubGitRepository';

jest.setTimeout(60_000);

/** The stand-in's own promises: GitHub's shapes, checked; git's objects, real. */
describe('startGithubGitopsStandIn', () => {
  let github: GithubGitopsStandIn;
  let octokit: Octokit;
  const repo = { owner: 'platform', repo: 'gitops' };

  beforeEach(async () => {
    github = await startGithubGitopsStandIn({
      ...repo,
      files: { 'environments/pr-1/application.yaml': 'kind: Application\n' },
      token: 'ghp_test',
    });
    octokit = new Octokit({ auth: 'ghp_test', baseUrl: github.url });
  });

  afterEach(() => github.close());

  it('makes a commit through the Git data API that git itself reads back, and answers in GitHub’s shapes', async () => {
    const { data: ref } = await octokit.rest.git.getRef({
      ...repo,
      ref: 'heads/main',
    });
    const { data: base } = await octokit.rest.git.getCommit({
      ...repo,
      commit_sha: ref.object.sha,
    });
    const { data: tree } = await octokit.rest.git.createTree({
      ...repo,
      base_tree: base.tree.sha,
      tree: [
        {
          path: 'environments/pr-1/values.yaml',
          mode: '100644',
          type: 'blob',
          content: 'replicas: 1\n',
        },
      ],
    });
    const { data: commit } = await octokit.rest.git.createCommit({
      ...repo,
      message: 'blueberry: add values',
      tree: tree.sha,
      parents: [ref.object.sha],
    });
    await octokit.rest.git.updateRef({
      ...repo,
      ref: 'heads/main',
      sha: commit.sha,
    });
    expect(await github.repository.head('main')).toBe(commit.sha);
    const { data: files } = await octokit.rest.repos.getCommit({
      ...repo,
      ref: commit.sha,
    });
    expect(files.files).toMatchObject([
      {
        filename: 'environments/pr-1/values.yaml',
        status: 'added',
        patch: '@@ -0,0 +1 @@\n+replicas: 1',
      },
    ]);
    expect(github.problems).toEqual([]);
  });

  it('answers a request GitHub’s description refuses with 422 and records the problem', async () => {
    const response = await fetch(
      `${github.url}/repos/platform/gitops/git/trees`,
      {
        method: 'POST',
        headers: { authorization: 'token ghp_test' },
        body: JSON.stringify({
          tree: [{ path: 'a', mode: '644', type: 'blob', sha: null }],
        }),
      },
    );
    expect(response.status).toBe(422);
    expect(github.problems).toEqual([
      expect.stringContaining(
        'POST /repos/platform/gitops/git/trees: request body',
      ),
    ]);
  });

  it('refuses a request without the token, and a non-fast-forward ref update without force', async () => {
    await expect(
      new Octokit({ baseUrl: github.url }).rest.git.getRef({
        ...repo,
        ref: 'heads/main',
      }),
    ).rejects.toMatchObject({ status: 401 });
    const first = await github.repository.head('main');
    await github.repository.push('main', 'second', { 'x.txt': 'x\n' });
    await expect(
      octokit.rest.git.updateRef({ ...repo, ref: 'heads/main', sha: first! }),
    ).rejects.toMatchObject({ status: 422 });
    expect(github.problems).toEqual([]);
  });
});
