import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import path from 'node:path';

/** The module's settings, read from `blueberry.gitops.local`, `blueberry.catalog` and `blueberry.argocd`. */
export interface CatalogModuleConfig {
  /** Absolute folder of the GitOps repository; undefined when none is configured. */
  repositoryPath?: string;
  branch: string;
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** Milliseconds between two head checks; 0 for none. */
  headPollMs: number;
  namespace: string;
  argocd?: { instance: string; uiUrl: string };
}

export const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 1 },
  timeout: { minutes: 3 },
};

export function readCatalogModuleConfig(config: Config): CatalogModuleConfig {
  const local = config.getOptionalConfig('blueberry.gitops.local');
  const catalog = config.getOptionalConfig('blueberry.catalog');
  const scheduleConfig = catalog?.getOptionalConfig('schedule');

  const instances =
    config.getOptionalConfigArray('blueberry.argocd.instances') ?? [];
  const wanted = catalog?.getOptionalString('argocdInstance');
  const instance = wanted
    ? instances.find(i => i.getString('name') === wanted)
    : instances[0];
  if (wanted && !instance) {
    throw new Error(
      `blueberry.catalog.argocdInstance names '${wanted}', which is not in blueberry.argocd.instances`,
    );
  }

  const headPollSeconds = catalog?.getOptionalNumber('headPollSeconds') ?? 3;
  if (!(headPollSeconds >= 0)) {
    throw new Error('blueberry.catalog.headPollSeconds must be 0 or more');
  }
  const localPath = local?.getString('path');
  return {
    // Relative to the backend's working directory (packages/backend when started with yarn start).
    repositoryPath: localPath ? path.resolve(localPath) : undefined,
    branch: local?.getOptionalString('branch') ?? 'main',
    schedule: scheduleConfig
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig)
      : DEFAULT_SCHEDULE,
    headPollMs: Math.round(headPollSeconds * 1000),
    namespace: catalog?.getOptionalString('namespace') ?? 'default',
    argocd: instance && {
      instance: instance.getString('name'),
      uiUrl: instance.getOptionalString('uiUrl') ?? instance.getString('url'),
    },
  };
}
