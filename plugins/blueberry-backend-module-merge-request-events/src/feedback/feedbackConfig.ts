import type { Config } from '@backstage/config';

/** `blueberry.mergeRequests.feedback`: what merge requests hear about their environment. */
export interface FeedbackConfig {
  comments: boolean;
  deploymentStatus: boolean;
  minIntervalMs: number;
  /** Where environment pages live: `<app.baseUrl>/catalog/<namespace>/resource/<name>`. */
  appBaseUrl: string;
  catalogNamespace: string;
}

/** Undefined when feedback is off (the default): neither comments nor statuses are configured. */
export function readFeedbackConfig(config: Config): FeedbackConfig | undefined {
  const feedback = config.getOptionalConfig('blueberry.mergeRequests.feedback');
  const comments = feedback?.getOptionalBoolean('comments') ?? false;
  const deploymentStatus =
    feedback?.getOptionalBoolean('deploymentStatus') ?? false;
  if (!comments && !deploymentStatus) return undefined;
  return {
    comments,
    deploymentStatus,
    minIntervalMs:
      (feedback?.getOptionalNumber('minIntervalSeconds') ?? 5) * 1000,
    appBaseUrl: config.getString('app.baseUrl').replace(/\/+$/, ''),
    catalogNamespace:
      config.getOptionalString('blueberry.catalog.namespace') ?? 'default',
  };
}

/** The environment's page in Backstage (the catalog entity the Blueberry catalog module makes). */
export function environmentPageUrl(
  config: Pick<FeedbackConfig, 'appBaseUrl' | 'catalogNamespace'>,
  environment: string,
): string {
  return `${config.appBaseUrl}/catalog/${encodeURIComponent(
    config.catalogNamespace,
  )}/resource/${encodeURIComponent(environment)}`;
}
