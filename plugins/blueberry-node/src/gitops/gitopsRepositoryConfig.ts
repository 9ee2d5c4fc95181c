import type { Config } from '@backstage/config';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GithubGitopsRepositoryOptions } from './github/GithubGitopsRepository';
import type { GitlabGitopsRepositoryOptions } from './gitlab/GitlabGitopsRepository';
import type { LocalGitopsRepositoryOptions } from './localGitopsRepository';
import type { RenderOptions } from '../render/types';

/**
 * The GitOps repository that `blueberry.gitops` names: at most one of the three is set.
 *
 * @public
 */
export interface GitopsRepositoryConfig {
  /** `blueberry.gitops.local`: the local repository of the embedded setup; it wins over `gitlab`. */
  local?: LocalGitopsRepositoryOptions;
  /** `blueberry.gitops.gitlab`: the repository on GitLab (production). */
  gitlab?: GitlabGitopsRepositoryOptions;
  /** `blueberry.gitops.github`: the repository on GitHub, when neither of the others is set. */
  github?: GithubGitopsRepositoryOptions;
}

/**
 * What the rendered files name and how they are checked, from `blueberry.gitops`.
 *
 * @public
 */
export interface GitopsRenderSettings {
  /** The repository and branch Argo CD follows, the namespace pattern, the allowed charts, Argo CD's side. */
  render: RenderOptions;
  /**
   * `blueberry.gitops.checkCharts`: whether a chart is checked to exist at its version before
   * anything is written (default true).
   */
  checkCharts: boolean;
}

/**
 * The one reader of `blueberry.gitops`'s render options (`repoURL`, `revision`,
 * `namespacePattern`, `sourceRepos`, `argocd.*`, `checkCharts`). `repoURL` defaults to the
 * repository's own URL: the file:// URL of `local.path`, the https clone URL of the `gitlab`
 * project or of the `github` repository; `revision` to the branch the repository follows
 * (`local.branch`, `github.branch`, else `main`). Undefined when there is no `repoURL` to name.
 * Reads no credentials, so it works where the repository's token is not configured.
 *
 * @public
 */
export function readGitopsRenderOptions(
  config: Config,
): GitopsRenderSettings | undefined {
  const gitops = config.getOptionalConfig('blueberry.gitops');
  if (!gitops) return undefined;
  const where = defaultRepository(gitops);
  const repoURL = gitops.getOptionalString('repoURL') ?? where?.repoURL;
  if (!repoURL) return undefined;
  const argocd = {
    namespace: gitops.getOptionalString('argocd.namespace'),
    project: gitops.getOptionalString('argocd.project'),
    destinationServer: gitops.getOptionalString('argocd.destinationServer'),
  };
  return {
    render: {
      gitops: {
        repoURL,
        targetRevision:
          gitops.getOptionalString('revision') ?? where?.branch ?? 'main',
        namespacePattern: gitops.getOptionalString('namespacePattern'),
        sourceRepos: gitops.getOptionalStringArray('sourceRepos'),
      },
      ...(Object.values(argocd).some(v => v !== undefined) ? { argocd } : {}),
    },
    checkCharts: gitops.getOptionalBoolean('checkCharts') ?? true,
  };
}

/** The configured repository's own URL and branch, as `readGitopsRepositoryConfig` picks it. */
function defaultRepository(
  gitops: Config,
): { repoURL: string; branch?: string } | undefined {
  const local = gitops.getOptionalConfig('local');
  if (local) {
    return {
      repoURL: pathToFileURL(path.resolve(local.getString('path'))).href,
      branch: local.getOptionalString('branch') ?? 'main',
    };
  }
  const gitlab = gitops.getOptionalConfig('gitlab');
  if (gitlab) {
    return {
      repoURL: `https://${gitlab.getString('host')}/${gitlab.getString(
        'project',
      )}.git`,
    };
  }
  const github = gitops.getOptionalConfig('github');
  if (!github) return undefined;
  const branch = github.getOptionalString('branch');
  const url = github.getOptionalString('url');
  if (url) return { repoURL: `${url.replace(/\.git$|\/$/, '')}.git`, branch };
  const owner = github.getOptionalString('owner');
  const repo = github.getOptionalString('repo');
  if (!owner || !repo) return undefined;
  const host = github.getOptionalString('host') ?? 'github.com';
  return { repoURL: `https://${host}/${owner}/${repo}.git`, branch };
}

/**
 * Reads the GitOps repository from config: `blueberry.gitops.local` (a relative path resolves
 * against the working directory) wins, else `blueberry.gitops.gitlab` with the token of the
 * `integrations.gitlab` entry for its host, else `blueberry.gitops.github` with the credentials of
 * the `integrations.github` entry for its host (a token or a GitHub App); none when none is
 * configured.
 *
 * @public
 */
export function readGitopsRepositoryConfig(
  config: Config,
): GitopsRepositoryConfig {
  const local = config.getOptionalConfig('blueberry.gitops.local');
  if (local) {
    return {
      local: {
        path: path.resolve(local.getString('path')),
        branch: local.getOptionalString('branch') ?? 'main',
        // Defined whenever local is: its repoURL defaults to the folder's file:// URL.
        render: readGitopsRenderOptions(config)!.render,
      },
    };
  }
  const gitlab = config.getOptionalConfig('blueberry.gitops.gitlab');
  if (!gitlab) {
    const github = config.getOptionalConfig('blueberry.gitops.github');
    return github ? { github: readGithub(config, github) } : {};
  }
  const host = gitlab.getString('host');
  const integration = ScmIntegrations.fromConfig(config).gitlab.byHost(host);
  if (!integration?.config.token) {
    throw new Error(
      `blueberry.gitops.gitlab.host '${host}' has no integrations.gitlab entry with a token`,
    );
  }
  return {
    gitlab: {
      apiBaseUrl: integration.config.apiBaseUrl,
      token: integration.config.token,
      project: gitlab.getString('project'),
      branch: config.getOptionalString('blueberry.gitops.revision') ?? 'main',
    },
  };
}

/**
 * `blueberry.gitops.github`: the repository as a URL (`https://github.com/platform/gitops`) or
 * as `host` (default `github.com`), `owner` and `repo`; the branch is `branch`, else
 * `blueberry.gitops.revision`, else `main`.
 */
function readGithub(
  config: Config,
  github: Config,
): GithubGitopsRepositoryOptions {
  const url = github.getOptionalString('url');
  let host = github.getOptionalString('host') ?? 'github.com';
  let owner = github.getOptionalString('owner');
  let repo = github.getOptionalString('repo');
  if (url) {
    const parsed = new URL(url);
    const parts = parsed.pathname
      .replace(/\.git$/, '')
      .split('/')
      .filter(Boolean);
    if (parsed.protocol !== 'https:' || parts.length !== 2) {
      throw new Error(
        `blueberry.gitops.github.url '${url}' is not a repository URL such as https://github.com/platform/gitops`,
      );
    }
    host = parsed.host;
    [owner, repo] = parts.map(decodeURIComponent);
  }
  if (!owner || !repo) {
    throw new Error('blueberry.gitops.github needs url, or owner and repo');
  }
  const integrations = ScmIntegrations.fromConfig(config);
  const integration = integrations.github.byHost(host);
  if (!integration?.config.apiBaseUrl) {
    throw new Error(
      `blueberry.gitops.github names host '${host}', which has no integrations.github entry with an apiBaseUrl`,
    );
  }
  if (!integration.config.token && !integration.config.apps?.length) {
    throw new Error(
      `blueberry.gitops.github names host '${host}', which has no integrations.github entry with a token or a GitHub App`,
    );
  }
  return {
    host,
    owner,
    repo,
    branch:
      github.getOptionalString('branch') ??
      config.getOptionalString('blueberry.gitops.revision') ??
      'main',
    apiBaseUrl: integration.config.apiBaseUrl,
    credentials:
      DefaultGithubCredentialsProvider.fromIntegrations(integrations),
  };
}
