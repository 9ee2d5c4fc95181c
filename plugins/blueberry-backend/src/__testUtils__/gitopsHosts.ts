import type { EnvironmentSpec } from '@blueberry-idp/plugin-blueberry-common';
import {
  createGitopsRepository,
  git,
  GitopsChangeResult,
  GitopsRepository,
  readGitopsRepositoryConfig,
  renderBootstrapFiles,
  renderEnvironment,
} from '@blueberry-idp/plugin-blueberry-node';
import { startGitlabApiStandIn } from '@blueberry-idp/test-utils';
import { startGithubGitopsStandIn } from '@blueberry-idp/test-utils';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { LifecycleRepo, RENDER_OPTIONS } from './lifecycleRepo';

/** One proposal (merge or pull request) a Git host holds. */
export interface HostProposal {
  branch: string;
  title: string;
  description: string;
  url: string;
  open: boolean;
}

/**
 * A GitOps repository the plugin is configured with, wherever it lives, and what a test needs to
 * see of it: the backend's config for it, the local git repository the Argo CD stand-in
 * reconciles, how to land a proposal (merge it) and how many commits and proposals it holds.
 */
export interface GitopsHostUnderTest {
  name: 'local' | 'GitLab' | 'GitHub';
  /** `blueberry.gitops` for the backend. */
  gitops: Record<string, unknown>;
  /** Top-level config besides `blueberry` (the `integrations` entry of a Git host). */
  rootConfig: Record<string, unknown>;
  /** The repository through the layer, configured as the plugin is. */
  repository: GitopsRepository;
  /** The chart repository, for shopSpec. */
  chartsURL: string;
  /** What the Argo CD stand-in reconciles (a local git repository; a mirror for GitLab). */
  argoRepoPath: string;
  /** The merge or pull requests, oldest first; none for a local repository. */
  proposals(): HostProposal[];
  /** Commits and proposals made so far, all branches: a repeat must add none. */
  changesMade(): Promise<number>;
  /** What merging does: lands a proposed change on the followed branch (nothing for a commit). */
  land(
    result: Pick<GitopsChangeResult, 'url'> | string | undefined,
  ): Promise<void>;
  /** The message of the newest commit on the followed branch, or of the proposal's commit. */
  lastMessage(): Promise<string>;
  /** A file's text on a branch (`main`, or a proposal's), or undefined. */
  fileOn(branch: string, path: string): Promise<string | undefined>;
  /** Makes one environment change and lands it, as a merged merge request would. */
  update(spec: EnvironmentSpec, message: string): Promise<string>;
  close(): Promise<void>;
}

const TOKEN = 'gitops-host-token-0123456789';

function renderedFiles(specs: EnvironmentSpec[]): Record<string, string> {
  return Object.fromEntries(
    [
      ...renderBootstrapFiles(RENDER_OPTIONS),
      ...specs.flatMap(s => renderEnvironment(s, RENDER_OPTIONS)),
    ].map(f => [f.path, f.content]),
  );
}

/** The files of `spec` as one change: rendered files written, files no longer rendered deleted. */
async function changeOf(repository: GitopsRepository, spec: EnvironmentSpec) {
  const rendered = renderEnvironment(spec, RENDER_OPTIONS);
  const paths = new Set(rendered.map(f => f.path));
  const current = await repository.readFiles(spec.name);
  return [
    ...rendered.map(f => ({ path: f.path, content: f.content })),
    ...[...current.keys()]
      .filter(p => !paths.has(p))
      .map(p => ({ path: p, content: null })),
  ];
}

async function showFile(gitDir: string, branch: string, path: string) {
  const shown = await git(gitDir, ['show', `refs/heads/${branch}:${path}`], {
    allowExitCodes: [128],
  });
  return shown.exitCode === 0 ? shown.stdout : undefined;
}

const numberOf = (url: string) => Number(/(\d+)$/.exec(url)![1]);
const urlOf = (result: Pick<GitopsChangeResult, 'url'> | string | undefined) =>
  typeof result === 'string' ? result : result?.url;

async function layerFor(rootConfig: JsonObject) {
  return (await createGitopsRepository(
    readGitopsRepositoryConfig(new ConfigReader(rootConfig)),
  ))!;
}

/**
 * Starts a GitOps repository holding the rendered `specs` on `main`: a real local git repository,
 * the GitLab API stand-in, or the GitHub stand-in (a real bare git repository behind GitHub's API,
 * every request checked against GitHub's OpenAPI description).
 */
export async function startGitopsHost(
  name: GitopsHostUnderTest['name'],
  specs: (chartsURL: string) => EnvironmentSpec[],
): Promise<GitopsHostUnderTest> {
  const local = await LifecycleRepo.create();
  const environments = specs(local.chartsURL);
  for (const spec of environments) await local.add(spec);
  const localCount = async () =>
    Number((await git(local.path, ['rev-list', '--count', '--all'])).stdout);
  const update = async (
    repository: GitopsRepository,
    land: GitopsHostUnderTest['land'],
    spec: EnvironmentSpec,
    message: string,
  ) => {
    const result = await repository.proposeChange({
      environment: spec.name,
      kind: 'update',
      summary: `update environment ${spec.name}`,
      request: {
        reason: message,
        requestedBy: 'user:default/jane',
        task: 'test update',
      },
      files: await changeOf(repository, spec),
    });
    await land(result);
    return result.revision;
  };

  if (name === 'local') {
    const gitops = { local: { path: local.path, branch: 'main' } };
    const repository = await local.open();
    const host: GitopsHostUnderTest = {
      name,
      gitops,
      rootConfig: {},
      repository,
      chartsURL: local.chartsURL,
      argoRepoPath: local.path,
      proposals: () => [],
      changesMade: localCount,
      land: async () => undefined,
      lastMessage: async () => (await local.log())[0],
      fileOn: (branch, path) => showFile(local.path, branch, path),
      update: (spec, message) => update(repository, host.land, spec, message),
      close: () => local.remove(),
    };
    return host;
  }

  if (name === 'GitLab') {
    const gitlab = await startGitlabApiStandIn({
      token: TOKEN,
      project: 'platform/gitops',
      files: renderedFiles(environments),
    });
    const gitops = {
      gitlab: { host: 'gitlab.example.com', project: 'platform/gitops' },
    };
    const rootConfig = {
      integrations: {
        gitlab: [
          { host: 'gitlab.example.com', apiBaseUrl: gitlab.url, token: TOKEN },
        ],
      },
    };
    const repository = await layerFor({ ...rootConfig, blueberry: { gitops } });
    const host: GitopsHostUnderTest = {
      name,
      gitops,
      rootConfig,
      repository,
      chartsURL: local.chartsURL,
      // GitLab's stand-in holds no git repository: Argo CD follows a local copy of the same files.
      argoRepoPath: local.path,
      proposals: () =>
        gitlab.mergeRequests.map(mr => ({
          branch: mr.source_branch,
          title: mr.title,
          description: mr.description,
          url: mr.web_url,
          open: mr.state === 'opened',
        })),
      changesMade: async () =>
        gitlab.commits.length + gitlab.mergeRequests.length,
      land: async result => {
        const url = urlOf(result);
        if (url) gitlab.merge(numberOf(url));
      },
      lastMessage: async () =>
        gitlab.commits[gitlab.commits.length - 1].message,
      fileOn: async (branch, path) => gitlab.branches.get(branch)?.get(path),
      update: (spec, message) => update(repository, host.land, spec, message),
      close: async () => {
        await gitlab.stop();
        await local.remove();
      },
    };
    return host;
  }

  const github = await startGithubGitopsStandIn({
    owner: 'platform',
    repo: 'gitops',
    files: renderedFiles(environments),
    token: TOKEN,
  });
  const gitops = {
    github: { url: 'https://github.example.com/platform/gitops' },
  };
  const rootConfig = {
    integrations: {
      github: [
        { host: 'github.example.com', apiBaseUrl: github.url, token: TOKEN },
      ],
    },
  };
  const repository = await layerFor({ ...rootConfig, blueberry: { gitops } });
  const { gitDir } = github.repository;
  const host: GitopsHostUnderTest = {
    name,
    gitops,
    rootConfig,
    repository,
    chartsURL: local.chartsURL,
    // The stand-in keeps the repository in a real bare git repository: Argo CD follows it.
    argoRepoPath: gitDir,
    proposals: () =>
      github.repository.pulls.map(pull => ({
        branch: pull.head,
        title: pull.title,
        description: pull.body,
        url: `https://github.com/platform/gitops/pull/${pull.number}`,
        open: pull.state === 'open',
      })),
    changesMade: async () =>
      Number((await git(gitDir, ['rev-list', '--count', '--all'])).stdout) +
      github.repository.pulls.length,
    land: async result => {
      const url = urlOf(result);
      if (url) await github.repository.merge(numberOf(url));
    },
    lastMessage: async () => {
      const [pull] = github.repository.pulls.slice(-1);
      return (
        await git(gitDir, [
          'log',
          '-1',
          '--format=%B',
          `refs/heads/${pull.head}`,
        ])
      ).stdout.trim();
    },
    fileOn: (branch, path) => showFile(gitDir, branch, path),
    update: (spec, message) => update(repository, host.land, spec, message),
    close: async () => {
      const problems = github.problems;
      await github.close();
      await local.remove();
      if (problems.length) throw new Error(problems.join('\n'));
    },
  };
  return host;
}
