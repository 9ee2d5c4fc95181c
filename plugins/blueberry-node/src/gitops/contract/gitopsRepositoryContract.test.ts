import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { ConfigReader } from '@backstage/config';
import { startGithubGitopsStandIn } from '@blueberry-idp/test-utils';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startGitlabApiStandIn } from '@blueberry-idp/test-utils';
import { writeRenderedFiles } from '../files';
import { git } from '../git';
import { GithubGitopsRepository } from '../github/GithubGitopsRepository';
import { GitlabGitopsRepository } from '../gitlab/GitlabGitopsRepository';
import { LocalGitopsRepository } from '../localGitopsRepository';
import { describeGitopsRepositoryContract } from './gitopsRepositoryContract';

// Real git (locally and behind the GitHub stand-in) on a shared 2-core machine.
jest.setTimeout(60_000);

describeGitopsRepositoryContract('local git repository', async files => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'blueberry-contract-'));
  const repository = await LocalGitopsRepository.open({
    path: root,
    branch: 'main',
    render: {
      gitops: { repoURL: 'file:///gitops', targetRevision: 'main' },
    },
  });
  await writeRenderedFiles(
    root,
    Object.entries(files).map(([p, content]) => ({ path: p, content })),
  );
  await git(root, ['add', '-A']);
  await git(root, ['commit', '-q', '-m', 'Initial commit']);
  return {
    repository,
    land: async () => undefined,
    changesMade: async () =>
      Number((await git(root, ['rev-list', '--count', 'HEAD'])).stdout),
    close: () => fs.rm(root, { recursive: true, force: true }),
  };
});

describeGitopsRepositoryContract('GitLab (API stand-in)', async files => {
  const gitlab = await startGitlabApiStandIn({
    token: 'glpat-contract-token',
    project: 'platform/gitops',
    files,
  });
  return {
    repository: new GitlabGitopsRepository({
      apiBaseUrl: gitlab.url,
      token: 'glpat-contract-token',
      project: 'platform/gitops',
      branch: 'main',
    }),
    land: async result => {
      if (result.url) gitlab.merge(Number(/(\d+)$/.exec(result.url)![1]));
    },
    changesMade: async () =>
      gitlab.commits.length + gitlab.mergeRequests.length,
    close: () => gitlab.stop(),
  };
});

describeGitopsRepositoryContract(
  'GitHub (API stand-in, checked against GitHub’s OpenAPI description)',
  async files => {
    const github = await startGithubGitopsStandIn({
      owner: 'platform',
      repo: 'gitops',
      files,
      token: 'ghp_contract-token',
    });
    const integrations = ScmIntegrations.fromConfig(
      new ConfigReader({
        integrations: {
          github: [
            {
              host: 'github.example.com',
              apiBaseUrl: github.url,
              token: 'ghp_contract-token',
            },
          ],
        },
      }),
    );
    const countCommits = async () =>
      Number(
        (await git(github.repository.gitDir, ['rev-list', '--count', '--all']))
          .stdout,
      );
    return {
      repository: new GithubGitopsRepository({
        owner: 'platform',
        repo: 'gitops',
        branch: 'main',
        host: 'github.example.com',
        apiBaseUrl: github.url,
        credentials:
          DefaultGithubCredentialsProvider.fromIntegrations(integrations),
      }),
      land: async result => {
        if (result.url) {
          await github.repository.merge(Number(/(\d+)$/.exec(result.url)![1]));
        }
      },
      changesMade: async () =>
        (await countCommits()) + github.repository.pulls.length,
      problems: () => github.problems,
      close: () => github.close(),
    };
  },
);
