import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import type { EnvironmentSpec } from '@blueberry-idp/plugin-blueberry-common';
import {
  createGitopsRepository,
  git,
  type GitopsChangeResult,
  type GitopsRepository,
  initGitopsRepository,
  readGitopsRepositoryConfig,
  renderEnvironment,
} from '@blueberry-idp/plugin-blueberry-node';
import {
  type GitlabApiStandIn,
  startGitlabApiStandIn,
} from '@blueberry-idp/test-utils';
import {
  type GithubGitopsStandIn,
  startGithubGitopsStandIn,
} from '@blueberry-idp/test-utils';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'yaml';

export const RENDER = {
  gitops: {
    repoURL: 'https://gitlab.example.com/platform/gitops.git',
    targetRevision: 'main',
    // The shop's charts, and chart repositories on loopback (the template's 127.0.0.1:7081).
    sourceRepos: [
      'https://charts.example.com/*',
      'oci://registry.example.com/shop/charts/*',
      'registry.example.com/shop/charts',
      'http://127.0.0.1:*',
    ],
  },
};

/** Where the GitOps repository lives: the embedded setup's local one, or a Git host. */
export type GitopsHostKind = 'local' | 'gitlab' | 'github';

export const GITOPS_HOSTS: GitopsHostKind[] = ['local', 'gitlab', 'github'];

const GITLAB_TOKEN = 'glpat-merge-request-events-test';
const GITHUB_TOKEN = 'ghp_merge-request-events-test';
/** The GitOps repository's GitHub host: not github.com, whose entry the feedback tests use. */
const GITHUB_HOST = 'github.example.com';

/**
 * The GitOps repository of a test on one of its three hosts: a real local git repository, the
 * GitLab API stand-in, or the git-backed GitHub stand-in (every request checked against GitHub's
 * OpenAPI description), with the `blueberry.gitops` and `integrations` config a backend reads it by,
 * and the test's own view of it.
 */
export interface GitopsHost {
  kind: GitopsHostKind;
  /** A temporary folder of the test's (work directories, served repositories). */
  root: string;
  /** The local repository's folder (local only). */
  repoPath?: string;
  /** The GitLab stand-in (gitlab only), for what a test checks of GitLab's side. */
  gitlab?: GitlabApiStandIn;
  /** The GitHub stand-in (github only). */
  github?: GithubGitopsStandIn;
  /** `blueberry.gitops` (without the render options) and `integrations` for this host. */
  config: {
    gitops: JsonObject;
    integrations: Record<string, JsonObject[]>;
  };
  /** The test's own client of the repository, built from that config as a backend builds it. */
  repository: GitopsRepository;
  /** The environments on the followed branch. */
  environments(): Promise<string[]>;
  /** The environment's Application on the followed branch, parsed. */
  application(environment: string): Promise<any>;
  /** The environment's files on the followed branch, relative to its folder. */
  files(environment: string): Promise<string[]>;
  /** Commits and merge/pull requests made so far: a repeat adds none. */
  changesMade(): Promise<number>;
  /** The message of the newest change (local: the branch's head; a host: the newest proposal's). */
  lastMessage(): Promise<string>;
  /** The merge or pull requests proposed so far (none locally). */
  proposals(): Array<{ title: string; branch: string; open: boolean }>;
  /** Merges every open proposal, oldest first, as a reviewer would (nothing locally). */
  landAll(): Promise<void>;
  /** The API requests the host has answered so far (0 locally). */
  apiRequests(): number;
  /** Requests the GitHub stand-in saw that GitHub's description does not allow. */
  problems(): string[];
  /** Puts an environment rendered by the real renderer on the followed branch, as a person would. */
  add(spec: EnvironmentSpec): Promise<void>;
  close(): Promise<void>;
}

/** `blueberry.gitops` for a host: its repository, and the render options of RENDER. */
export function gitopsConfig(hostConfig: JsonObject) {
  return {
    repoURL: RENDER.gitops.repoURL,
    sourceRepos: RENDER.gitops.sourceRepos,
    ...hostConfig,
  };
}

/** Starts the GitOps repository on `kind`, holding `specs` rendered on its followed branch. */
export async function startGitopsHost(
  kind: GitopsHostKind,
  specs: EnvironmentSpec[] = [],
): Promise<GitopsHost> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'blueberry-mr-'));
  const files = Object.fromEntries(
    specs.flatMap(s =>
      renderEnvironment(s, RENDER).map(f => [f.path, f.content]),
    ),
  );
  const started = await startKind(kind, root, files);
  const repository = (await createGitopsRepository(
    readGitopsRepositoryConfig(
      new ConfigReader({
        integrations: started.config.integrations,
        blueberry: { gitops: gitopsConfig(started.config.gitops) },
      }),
    ),
  ))!;
  const land = async (result: GitopsChangeResult) => {
    if (result.url) await started.merge(Number(/(\d+)$/.exec(result.url)![1]));
  };
  const host: GitopsHost = {
    kind,
    root,
    ...started,
    repository,
    environments: () => repository.listEnvironments(),
    async application(environment) {
      const application = (await repository.readFiles(environment)).get(
        `environments/${environment}/application.yaml`,
      );
      return application && yaml.parse(application.toString('utf8'));
    },
    async files(environment) {
      const prefix = `environments/${environment}/`;
      return [...(await repository.readFiles(environment)).keys()]
        .map(file => file.slice(prefix.length))
        .sort();
    },
    async landAll() {
      for (const proposal of started.proposals().filter(p => p.open)) {
        await started.merge(proposal.number);
      }
    },
    async add(spec) {
      await land(
        await repository.proposeChange({
          environment: spec.name,
          kind: 'create',
          summary: `create environment ${spec.name}`,
          request: {
            reason: 'made by hand',
            requestedBy: 'user:default/jane',
            task: 'test',
          },
          files: renderEnvironment(spec, RENDER).map(f => ({
            path: f.path,
            content: f.content,
          })),
        }),
      );
    },
    async close() {
      await started.close();
      await fs.rm(root, { recursive: true, force: true });
    },
  };
  return host;
}

type StartedKind = Pick<
  GitopsHost,
  | 'config'
  | 'repoPath'
  | 'gitlab'
  | 'github'
  | 'changesMade'
  | 'lastMessage'
  | 'apiRequests'
  | 'problems'
  | 'close'
> & {
  proposals(): Array<{
    number: number;
    title: string;
    branch: string;
    open: boolean;
  }>;
  merge(number: number): Promise<void>;
};

async function startKind(
  kind: GitopsHostKind,
  root: string,
  files: Record<string, string>,
): Promise<StartedKind> {
  if (kind === 'gitlab') {
    const gitlab = await startGitlabApiStandIn({
      token: GITLAB_TOKEN,
      project: 'platform/gitops',
      files,
    });
    return {
      gitlab,
      config: {
        gitops: {
          gitlab: { host: 'gitlab.example.com', project: 'platform/gitops' },
        },
        integrations: {
          gitlab: [
            {
              host: 'gitlab.example.com',
              apiBaseUrl: gitlab.url,
              token: GITLAB_TOKEN,
            },
          ],
        },
      },
      changesMade: async () =>
        gitlab.commits.length + gitlab.mergeRequests.length,
      lastMessage: async () => gitlab.commits.at(-1)?.message ?? '',
      proposals: () =>
        gitlab.mergeRequests.map(m => ({
          number: m.iid,
          title: m.title,
          branch: m.source_branch,
          open: m.state === 'opened',
        })),
      merge: async iid => gitlab.merge(iid),
      apiRequests: () => gitlab.requests.length,
      problems: () => [],
      close: () => gitlab.stop(),
    };
  }
  if (kind === 'github') {
    const github = await startGithubGitopsStandIn({
      owner: 'platform',
      repo: 'gitops',
      files,
      token: GITHUB_TOKEN,
    });
    const { gitDir, pulls } = github.repository;
    return {
      github,
      config: {
        gitops: { github: { url: `https://${GITHUB_HOST}/platform/gitops` } },
        integrations: {
          github: [
            { host: GITHUB_HOST, apiBaseUrl: github.url, token: GITHUB_TOKEN },
          ],
        },
      },
      changesMade: async () =>
        Number(
          (await git(gitDir, ['rev-list', '--count', '--all'])).stdout.trim(),
        ) + pulls.length,
      lastMessage: async () => {
        const newest = pulls.at(-1);
        if (!newest) return '';
        // The pull request's own commit: its branch's head, or (merged) the merge's second parent.
        const ref = (await github.repository.head(newest.head))
          ? `refs/heads/${newest.head}`
          : 'main^2';
        return (
          await git(gitDir, ['log', '-1', '--format=%B', ref])
        ).stdout.trim();
      },
      proposals: () =>
        pulls.map(p => ({
          number: p.number,
          title: p.title,
          branch: p.head,
          open: p.state === 'open',
        })),
      merge: async number => {
        await github.repository.merge(number);
      },
      apiRequests: () => github.requests.length,
      problems: () => [...github.problems],
      close: () => github.close(),
    };
  }
  const repoPath = path.join(root, 'gitops');
  await initGitopsRepository({
    path: repoPath,
    branch: 'main',
    render: RENDER,
  });
  if (Object.keys(files).length > 0) {
    for (const [file, content] of Object.entries(files)) {
      await fs.mkdir(path.dirname(path.join(repoPath, file)), {
        recursive: true,
      });
      await fs.writeFile(path.join(repoPath, file), content);
    }
    await git(repoPath, ['add', '-A']);
    await git(repoPath, ['commit', '-q', '-m', 'blueberry: environments']);
  }
  return {
    repoPath,
    config: {
      gitops: { local: { path: repoPath, branch: 'main' } },
      integrations: {},
    },
    changesMade: async () =>
      Number(
        (await git(repoPath, ['rev-list', '--count', 'HEAD'])).stdout.trim(),
      ),
    lastMessage: async () =>
      (await git(repoPath, ['log', '-1', '--format=%B'])).stdout.trim(),
    proposals: () => [],
    merge: async () => undefined,
    apiRequests: () => 0,
    problems: () => [],
    close: async () => undefined,
  };
}
