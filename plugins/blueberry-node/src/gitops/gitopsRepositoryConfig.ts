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

/** The GitOps repository that `blueberry.gitops` names: at most one of the three is set. */
export interface GitopsRepositoryConfig {
  /** `blueberry.gitops.local`: the local repository of the embedded setup; it wins over `gitlab`. */
  local?: LocalGitopsRepositoryOptions;
  /** `blueberry.gitops.gitlab`: the repository on GitLab (production). */
  gitlab?: GitlabGitopsRepositoryOptions;
  /** `blueberry.gitops.github`: the repository on GitHub, when neither of the others is set. */
  github?: GithubGitopsRepositoryOptions;
}

/**
 * Reads the GitOps repository from config: `blueberry.gitops.local` (a relative path resolves
 * against the working directory) wins, else `blueberry.gitops.gitlab` with the token of the
 * `integrations.gitlab` entry for its host, else `blueberry.gitops.github` with the credentials of
 * the `integrations.github` entry for its host (a token or a GitHub App); none when none is
 * configured.
 */
export function readGitopsRepositoryConfig(
  config: Config,
): GitopsRepositoryConfig {
  const local = config.getOptionalConfig('blueberry.gitops.local');
  if (local) {
    const localPath = path.resolve(local.getString('path'));
    const branch = local.getOptionalString('branch') ?? 'main';
    return {
      local: {
        path: localPath,
        branch,
        render: {
          gitops: {
            repoURL:
              config.getOptionalString('blueberry.gitops.repoURL') ??
              pathToFileURL(localPath).href,
            targetRevision:
              config.getOptionalString('blueberry.gitops.revision') ?? branch,
            namespacePattern: config.getOptionalString(
              'blueberry.gitops.namespacePattern',
            ),
            sourceRepos: config.getOptionalStringArray(
              'blueberry.gitops.sourceRepos',
            ),
          },
        },
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
