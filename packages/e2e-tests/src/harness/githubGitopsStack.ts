import { randomBytes } from 'node:crypto';
import {
  ArgoCdStandIn,
  ChartRepository,
  startArgoCdStandIn,
  startExampleChartRepository,
} from '@blueberry-idp/argocd-standin';
import {
  renderBootstrapFiles,
  type RenderOptions,
} from '@blueberry-idp/plugin-blueberry-node';
import {
  GithubGitopsStandIn,
  startGithubGitopsStandIn,
} from '@blueberry-idp/test-utils';
import { RunningBackend, startBackend } from './backend';

/** The GitOps repository on the GitHub stand-in: `acme/gitops`, followed on `main`. */
export const GITHUB_GITOPS = {
  owner: 'acme',
  repo: 'gitops',
  branch: 'main',
  /** What Argo CD and the rendered Applications call it. */
  url: 'https://github.com/acme/gitops',
} as const;

export interface GithubGitopsStack {
  /** The GitHub stand-in holding `acme/gitops` in a real bare git repository. */
  github: GithubGitopsStandIn;
  /** The example charts' repository on 127.0.0.1:7081, which the template's defaults name. */
  charts: ChartRepository;
  /** The Argo CD stand-in, following `main` of the stand-in's bare repository. */
  argocd: ArgoCdStandIn;
  /** The Argo CD stand-in's API token, for reading its Applications directly. */
  argocdToken: string;
  backend: RunningBackend;
  stop(): Promise<void>;
}

/** `blueberry.gitops.sourceRepos` as app-config.yaml has it: the example chart repository. */
const SOURCE_REPOS = ['http://127.0.0.1:7081'];

/** How the backend renders into `acme/gitops` (the config below), for files a test writes itself. */
export const GITHUB_GITOPS_RENDER: RenderOptions = {
  gitops: {
    repoURL: GITHUB_GITOPS.url,
    targetRevision: GITHUB_GITOPS.branch,
    sourceRepos: SOURCE_REPOS,
  },
  argocd: { namespace: 'argocd' },
};

/**
 * The production shape with GitHub as the GitOps host, on this machine: the GitOps repository
 * `acme/gitops` on the GitHub stand-in (GitHub's REST API over real HTTP, every request and answer
 * checked against @octokit/openapi, held in a real bare git repository) with the bootstrap files on
 * `main`; the Argo CD stand-in reconciling that bare repository's `main` with the real helm and
 * kustomize, so merging a pull request in the stand-in is the deployment; and the real backend with
 * `blueberry.gitops.github` naming the repository and `integrations.github` pointing at the
 * stand-in with its token. No local GitOps repository: app-config.yaml's `blueberry.gitops.local`
 * is unset (null), so every change has to go through GitHub.
 */
export async function startGithubGitopsStack(
  options: {
    name?: string;
    waveDelayMs?: number;
    /**
     * More config for the backend (top-level keys as in startBackend; under `blueberry`, everything
     * but `gitops` and `argocd`, the stack's own, is kept).
     */
    config?: { blueberry?: Record<string, unknown>; [key: string]: unknown };
  } = {},
): Promise<GithubGitopsStack> {
  const github = await startGithubGitopsStandIn({
    owner: GITHUB_GITOPS.owner,
    repo: GITHUB_GITOPS.repo,
    branch: GITHUB_GITOPS.branch,
    token: `ghp_${randomBytes(18).toString('hex')}`,
    files: Object.fromEntries(
      renderBootstrapFiles(GITHUB_GITOPS_RENDER).map(file => [
        file.path,
        file.content,
      ]),
    ),
  });
  const argocdToken = randomBytes(24).toString('hex');
  const stopped: Array<() => Promise<void>> = [() => github.close()];
  const stopAll = async () => {
    for (const stop of stopped.reverse()) await stop();
  };
  try {
    const charts = await startExampleChartRepository();
    stopped.push(() => charts.stop());
    const argocd = await startArgoCdStandIn({
      repoPath: github.repository.gitDir,
      repoURLs: [GITHUB_GITOPS.url],
      branch: GITHUB_GITOPS.branch,
      token: argocdToken,
      port: 0,
      waveDelayMs: options.waveDelayMs ?? 200,
      pollIntervalMs: 300,
    });
    stopped.push(() => argocd.stop());
    const backend = await startBackend({
      name: options.name ?? 'github-gitops-backend',
      config: {
        ...options.config,
        integrations: {
          github: [
            { host: 'github.com', apiBaseUrl: github.url, token: github.token },
          ],
        },
        blueberry: {
          ...options.config?.blueberry,
          gitops: {
            // app-config.yaml's local repository is unset: GitHub is the only GitOps host.
            local: null,
            repoURL: GITHUB_GITOPS.url,
            revision: GITHUB_GITOPS.branch,
            github: {
              owner: GITHUB_GITOPS.owner,
              repo: GITHUB_GITOPS.repo,
              branch: GITHUB_GITOPS.branch,
            },
            sourceRepos: SOURCE_REPOS,
          },
          argocd: {
            instances: [{ name: 'local', url: argocd.url, token: argocdToken }],
          },
        },
      },
    });
    stopped.push(() => backend.stop());
    return {
      github,
      charts,
      argocd,
      argocdToken,
      backend,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
