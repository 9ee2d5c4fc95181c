import { Config } from '@backstage/config';
import { RenderOptions } from '@blueberry-idp/plugin-blueberry-node';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The `blueberry.gitops` configuration the actions use. */
export interface BlueberryGitopsConfig {
  /** What the rendered Applications name; undefined when neither repoURL nor local.path is set. */
  render?: RenderOptions;
  /** The local repository of the embedded setup, when configured. */
  local?: { path: string; branch: string };
  /**
   * `blueberry.gitops.gitlab.host` when the GitOps repository is on GitLab: local commits are then
   * refused, whatever a template asks.
   */
  gitlabHost?: string;
  /**
   * `blueberry.gitops.checkCharts`: whether the create action checks, before writing, that each
   * chart exists at its version (default true).
   */
  checkCharts?: boolean;
}

/** Reads `blueberry.gitops`; relative local paths resolve against the working directory. */
export function readBlueberryGitopsConfig(
  config: Config,
): BlueberryGitopsConfig {
  const gitops = config.getOptionalConfig('blueberry.gitops');
  if (!gitops) return {};
  const checkCharts = gitops.getOptionalBoolean('checkCharts') ?? true;
  const gitlabHost = gitops.getOptionalString('gitlab.host');
  const localConfig = gitops.getOptionalConfig('local');
  const local = localConfig && {
    path: path.resolve(localConfig.getString('path')),
    branch: localConfig.getOptionalString('branch') ?? 'main',
  };
  const repoURL =
    gitops.getOptionalString('repoURL') ??
    (local ? pathToFileURL(local.path).href : undefined);
  if (!repoURL) return { local, gitlabHost, checkCharts };
  return {
    local,
    gitlabHost,
    checkCharts,
    render: {
      gitops: {
        repoURL,
        targetRevision:
          gitops.getOptionalString('revision') ?? local?.branch ?? 'main',
        namespacePattern: gitops.getOptionalString('namespacePattern'),
        sourceRepos: gitops.getOptionalStringArray('sourceRepos'),
      },
      argocd: {
        namespace: gitops.getOptionalString('argocd.namespace'),
        project: gitops.getOptionalString('argocd.project'),
        destinationServer: gitops.getOptionalString('argocd.destinationServer'),
      },
    },
  };
}

/** The render options, or a configuration error (a server fault, not bad input). */
export function requireRenderOptions(
  config: BlueberryGitopsConfig,
): RenderOptions {
  if (!config.render) {
    throw new Error(
      'Blueberry is not configured: set blueberry.gitops.repoURL (or blueberry.gitops.local.path) in app-config',
    );
  }
  return config.render;
}
