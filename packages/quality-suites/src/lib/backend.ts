import {
  createServiceFactory,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
// The suites exist to run the published backend plugin in-process; nothing else imports it.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import blueberryPlugin from '@blueberry-idp/plugin-blueberry-backend';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import {
  LogRecorder,
  SignalRecorder,
} from '@blueberry-idp/plugin-blueberry-backend/testUtils';
import { eventually, startTcpProxy } from '@blueberry-idp/test-utils';

export { eventually, LogRecorder, SignalRecorder, startTcpProxy };

/** The Argo CD token every stand-in accepts; the suites search every body and log line for it. */
export const TOKEN = 'argocd-token-quality-suite-7f3a9c1e5b';

/** Signals are not under test here: a factory that accepts and drops them. */
const quietSignals = createServiceFactory({
  service: signalsServiceRef,
  deps: {},
  factory: () => ({ publish: async () => {} }),
});

export function entity(
  name: string,
  annotations: Record<string, string>,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      type: 'service',
      owner: 'group:default/team-a',
      lifecycle: 'experimental',
    },
  };
}

export type BlueberryBackend = Awaited<ReturnType<typeof startBlueberry>>;

/**
 * The published backend plugin in a real test backend: real HTTP router, real Argo CD client to the
 * stand-in over HTTP; only the catalog, the config and (when given) permissions are test services.
 */
export async function startBlueberry(options: {
  instances: Array<{
    name: string;
    url: string;
    token?: string;
    requestTimeoutMs?: number;
  }>;
  entities: Entity[];
  extraFeatures?: ServiceFactory[];
  /** Replaces the signals service that drops everything (to record what is published). */
  signals?: ServiceFactory;
  /** More `blueberry.*` config. */
  config?: Record<string, unknown>;
}) {
  const logs = new LogRecorder();
  const backend = await startTestBackend({
    features: [
      blueberryPlugin,
      catalogServiceMock.factory({ entities: options.entities }),
      logs.factory(),
      options.signals ?? quietSignals,
      mockServices.rootConfig.factory({
        data: {
          blueberry: {
            argocd: {
              instances: options.instances.map(i => ({ token: TOKEN, ...i })),
            },
            signalCoalesceMs: 100,
            // The fault suite refreshes one environment again and again to watch it recover; the
            // per-environment rate limit (the security suite's own row) would answer 429 instead.
            actionIntervalSeconds: 0,
            ...options.config,
          },
        },
      }),
      ...(options.extraFeatures ?? []),
    ],
  });
  return { server: backend.server, stop: () => backend.stop(), logs };
}
