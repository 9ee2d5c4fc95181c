import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import {
  readGitopsRepositoryConfig,
  type GitopsRepositoryConfig,
} from '@blueberry-idp/plugin-blueberry-node';

/** `blueberry.lifecycle` and the `blueberry.gitops` keys it shares with the scaffolder module. */
export interface LifecycleConfig extends GitopsRepositoryConfig {
  // With neither `local` nor `gitlab`: no janitor and no keep.
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

/** Reads `blueberry.lifecycle.*` (config.d.ts) and the GitOps repository (readGitopsRepositoryConfig). */
export function readLifecycleConfig(config: Config): LifecycleConfig {
  const { local, gitlab } = readGitopsRepositoryConfig(config);
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
