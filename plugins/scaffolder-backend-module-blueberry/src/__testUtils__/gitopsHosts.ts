import { ConfigReader } from '@backstage/config';
import { startGithubGitopsStandIn } from '@blueberry-idp/test-utils';
import {
  createGitopsRepository,
  git,
  GitopsRepository,
  readGitopsRenderOptions,
  readGitopsRepositoryConfig,
  RenderOptions,
} from '@blueberry-idp/plugin-blueberry-node';
import { startGitlabApiStandIn } from '@blueberry-idp/test-utils';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testGitopsConfig } from './fixtures';

/** A GitOps repository on one host, made from config as the module makes it. */
export interface GitopsHostUnderTest {
  repository: GitopsRepository;
  /** `readGitopsRenderOptions` of the same config. */
  render: RenderOptions;
  /** What the propose action answers as its change's kind on this host. */
  changeKind: 'commit' | 'merge-request' | 'pull-request';
  /** What merging does: lands a proposed change on the followed branch (nothing for a commit). */
  land(change: { url?: string }): Promise<void>;
  /** Commits and merge/pull requests the repository holds: a refused or repeated run adds none. */
  changesMade(): Promise<number>;
  /** Requests the stand-in saw that its provider's description does not allow. */
  problems(): string[];
  close(): Promise<void>;
}

export type GitopsHostKind = 'local' | 'gitlab' | 'github';

/** The chart repositories a test's environments may use (as `testGitopsConfig`). */
function sourceRepos(): string[] {
  return testGitopsConfig('/unused').blueberry.gitops.sourceRepos;
}

/** What `blueberry.gitops` and `integrations` make of a repository `kind` holding `files`. */
function fromConfig(config: object) {
  const reader = new ConfigReader(config);
  return {
    render: readGitopsRenderOptions(reader)!.render,
    repository: createGitopsRepository(readGitopsRepositoryConfig(reader)),
  };
}

/**
 * A real GitOps repository starting with `files` on `main`: a local git repository, the GitLab API
 * stand-in, or the GitHub stand-in (git-backed, every request checked against GitHub's OpenAPI
 * description), each reached through `blueberry.gitops` config.
 */
export async function startGitopsHost(
  kind: GitopsHostKind,
  files: Record<string, string>,
): Promise<GitopsHostUnderTest> {
  if (kind === 'local') {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'blueberry-host-'));
    for (const [file, content] of Object.entries(files)) {
      await fs.mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await fs.writeFile(path.join(root, file), content);
    }
    const made = fromConfig({
      blueberry: {
        gitops: {
          local: { path: root, branch: 'main' },
          sourceRepos: sourceRepos(),
        },
      },
    });
    const repository = (await made.repository)!;
    await git(root, ['add', '-A']);
    await git(root, ['commit', '-q', '-m', 'Initial commit']);
    return {
      repository,
      render: made.render,
      changeKind: 'commit',
      land: async () => undefined,
      changesMade: async () =>
        Number((await git(root, ['rev-list', '--count', 'HEAD'])).stdout),
      problems: () => [],
      close: () => fs.rm(root, { recursive: true, force: true }),
    };
  }
  if (kind === 'gitlab') {
    const gitlab = await startGitlabApiStandIn({
      token: 'glpat-scaffolder-test',
      project: 'platform/gitops',
      files,
    });
    const made = fromConfig({
      integrations: {
        gitlab: [
          {
            host: 'gitlab.example.com',
            apiBaseUrl: gitlab.url,
            token: 'glpat-scaffolder-test',
          },
        ],
      },
      blueberry: {
        gitops: {
          gitlab: { host: 'gitlab.example.com', project: 'platform/gitops' },
          sourceRepos: sourceRepos(),
        },
      },
    });
    return {
      repository: (await made.repository)!,
      render: made.render,
      changeKind: 'merge-request',
      land: async change => {
        if (change.url) gitlab.merge(Number(/(\d+)$/.exec(change.url)![1]));
      },
      changesMade: async () =>
        gitlab.commits.length + gitlab.mergeRequests.length,
      problems: () => [],
      close: () => gitlab.stop(),
    };
  }
  const github = await startGithubGitopsStandIn({
    owner: 'platform',
    repo: 'gitops',
    files,
    token: 'ghp_scaffolder-test',
  });
  const made = fromConfig({
    integrations: {
      github: [
        {
          host: 'github.example.com',
          apiBaseUrl: github.url,
          token: 'ghp_scaffolder-test',
        },
      ],
    },
    blueberry: {
      gitops: {
        github: { url: 'https://github.example.com/platform/gitops' },
        sourceRepos: sourceRepos(),
      },
    },
  });
  return {
    repository: (await made.repository)!,
    render: made.render,
    changeKind: 'pull-request',
    land: async change => {
      if (change.url) {
        await github.repository.merge(Number(/(\d+)$/.exec(change.url)![1]));
      }
    },
    changesMade: async () =>
      Number(
        (await git(github.repository.gitDir, ['rev-list', '--count', '--all']))
          .stdout,
      ) + github.repository.pulls.length,
    problems: () => github.problems,
    close: () => github.close(),
  };
}
