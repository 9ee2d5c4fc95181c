import type { Config } from '@backstage/config';

/** One Argo CD instance, as `blueberry.argocd.instances[]` configures it. */
export interface ArgoCdInstanceConfig {
  name: string;
  url: string;
  token: string;
  /** Base URL of the Argo CD UI for deep links; defaults to `url`. */
  uiUrl?: string;
  caBundle?: string;
  requestTimeoutMs?: number;
  appNamespace?: string;
}

export interface BlueberryBackendConfig {
  instances: ArgoCdInstanceConfig[];
  /** Label selector of the Applications each watch covers. */
  selector: string;
  /** How long a cached permission decision and entity lookup stay valid; 0 disables. */
  accessCacheTtlMs: number;
  /** How long a burst of changes is gathered into one signal. */
  signalCoalesceMs: number;
  /** The least time between two refreshes (or two syncs) of one environment; 0 turns it off. */
  actionIntervalMs: number;
}

/** By default the watch covers every Application Blueberry made (root and environments). */
export const DEFAULT_SELECTOR = 'blueberry.io/role';

/** Reads `blueberry.*` (see config.d.ts), refusing duplicate or malformed instances at start-up. */
export function readBlueberryConfig(config: Config): BlueberryBackendConfig {
  const instances = (
    config.getOptionalConfigArray('blueberry.argocd.instances') ?? []
  ).map(c => {
    const instance: ArgoCdInstanceConfig = {
      name: c.getString('name'),
      url: c.getString('url'),
      token: c.getString('token'),
      uiUrl: c.getOptionalString('uiUrl'),
      caBundle: c.getOptionalString('caBundle'),
      requestTimeoutMs: c.getOptionalNumber('requestTimeoutMs'),
      appNamespace: c.getOptionalString('appNamespace'),
    };
    for (const key of ['url', 'uiUrl'] as const) {
      const value = instance[key];
      if (value !== undefined && !/^https?:\/\/[^/]/.test(value)) {
        throw new Error(
          `blueberry.argocd.instances[${instance.name}].${key} must be an http(s) URL`,
        );
      }
    }
    instance.uiUrl ??= instance.url;
    return instance;
  });
  const names = new Set<string>();
  for (const { name } of instances) {
    if (names.has(name)) {
      throw new Error(
        `blueberry.argocd.instances has two instances named '${name}'`,
      );
    }
    names.add(name);
  }
  return {
    instances,
    selector:
      config.getOptionalString('blueberry.argocd.selector') ?? DEFAULT_SELECTOR,
    accessCacheTtlMs:
      (config.getOptionalNumber('blueberry.accessCacheTtlSeconds') ?? 10) *
      1000,
    signalCoalesceMs:
      config.getOptionalNumber('blueberry.signalCoalesceMs') ?? 200,
    actionIntervalMs:
      (config.getOptionalNumber('blueberry.actionIntervalSeconds') ?? 5) * 1000,
  };
}
