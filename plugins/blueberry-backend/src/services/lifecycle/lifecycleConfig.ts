import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import type {
  GitlabGitopsRepositoryOptions,
  RenderOptions,
} from '@blueberry-idp/plugin-blueberry-node';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** `blueberry.lifecycle` and the `blueberry.gitops` keys it shares with the scaffolder module. */
export interface LifecycleConfig {
  /** The local GitOps repository (the embedded setup); it wins over `gitlab`. */
  local?: { path: string; branch: string; render: RenderOptions };
  /** The GitOps repository on GitLab (production); with neither, no janitor and no keep. */
  gitlab?: GitlabGitopsRepositoryOptions;
  janitor: {
    enabled: boolean;
    schedule: SchedulerServiceTaskScheduleDefinition;
  };
  warnBeforeMs: number;
  keepExtensionMs: number;
}

function optionalDuration(
  config: Config,
  key: string,
  fallback: HumanDuration,
): HumanDuration {
  return config.has(key) ? readDurationFromConfig(config, { key }) : fallback;
}

/** Reads `blueberry.lifecycle.*` (config.d.ts); relative local paths resolve against the working directory. */
export function readLifecycleConfig(config: Config): LifecycleConfig {
  const localConfig = config.getOptionalConfig('blueberry.gitops.local');
  let local: LifecycleConfig['local'];
  if (localConfig) {
    const localPath = path.resolve(localConfig.getString('path'));
    const branch = localConfig.getOptionalString('branch') ?? 'main';
    local = {
      path: localPath,
      branch,
      render: {
        gitops: {
          repoURL:
            config.getOptionalString('blueberry.gitops.repoURL') ??
            pathToFileURL(localPath).href,
          targetRevision:
            config.getOptionalString('blueberry.gitops.revision') ?? branch,
        },
      },
    };
  }
  const gitlab = local ? undefined : readGitlabRepository(config);
  const lifecycle = config.getOptionalConfig('blueberry.lifecycle');
  const read = (key: string, fallback: HumanDuration) =>
    lifecycle ? optionalDuration(lifecycle, key, fallback) : fallback;
  return {
    local,
    gitlab,
    janitor: {
      enabled: lifecycle?.getOptionalBoolean('janitor.enabled') ?? true,
      schedule: {
        frequency: read('janitor.frequency', { minutes: 5 }),
        timeout: read('janitor.timeout', { minutes: 3 }),
        initialDelay: read('janitor.initialDelay', { minutes: 1 }),
      },
    },
    warnBeforeMs: durationToMilliseconds(read('warnBefore', { hours: 24 })),
    keepExtensionMs: durationToMilliseconds(
      read('keepExtension', { hours: 72 }),
    ),
  };
}

/** `blueberry.gitops.gitlab` with the token of the `integrations.gitlab` entry for its host. */
function readGitlabRepository(
  config: Config,
): GitlabGitopsRepositoryOptions | undefined {
  const gitlab = config.getOptionalConfig('blueberry.gitops.gitlab');
  if (!gitlab) return undefined;
  const host = gitlab.getString('host');
  const integration = ScmIntegrations.fromConfig(config).gitlab.byHost(host);
  if (!integration?.config.token) {
    throw new Error(
      `blueberry.gitops.gitlab.host '${host}' has no integrations.gitlab entry with a token`,
    );
  }
  return {
    apiBaseUrl: integration.config.apiBaseUrl,
    token: integration.config.token,
    project: gitlab.getString('project'),
    branch: config.getOptionalString('blueberry.gitops.revision') ?? 'main',
  };
}
