import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import type { RenderOptions } from '@blueberry-idp/plugin-blueberry-node';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** `blueberry.lifecycle` and the `blueberry.gitops` keys it shares with the scaffolder module. */
export interface LifecycleConfig {
  /** The local GitOps repository (the embedded setup); undefined: no janitor, no keep. */
  local?: { path: string; branch: string; render: RenderOptions };
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
  const lifecycle = config.getOptionalConfig('blueberry.lifecycle');
  const read = (key: string, fallback: HumanDuration) =>
    lifecycle ? optionalDuration(lifecycle, key, fallback) : fallback;
  return {
    local,
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
