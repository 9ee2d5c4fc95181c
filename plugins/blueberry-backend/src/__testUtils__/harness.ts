import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { ServiceFactory } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { blueberryPlugin } from '../plugin';
import { LogRecorder, SignalRecorder } from '../testUtils/recorders';

export const TOKEN = 'argocd-token-never-shown-0123456789';

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

/** Starts a real backend with the plugin, an in-memory catalog and recorders for logs and signals. */
export async function startBlueberryBackend(options: {
  instances: Array<{
    name: string;
    url: string;
    token?: string;
    requestTimeoutMs?: number;
  }>;
  entities: Entity[];
  extraFeatures?: ServiceFactory[];
  /** Under `blueberry`. */
  config?: Record<string, unknown>;
  /** Beside `blueberry`, such as the `integrations` of a GitOps repository on a Git host. */
  rootConfig?: Record<string, unknown>;
}) {
  const logs = new LogRecorder();
  const signals = new SignalRecorder();
  const backend = await startTestBackend({
    features: [
      blueberryPlugin,
      catalogServiceMock.factory({ entities: options.entities }),
      logs.factory(),
      signals.factory(),
      mockServices.rootConfig.factory({
        data: {
          ...options.rootConfig,
          blueberry: {
            argocd: {
              instances: options.instances.map(i => ({ token: TOKEN, ...i })),
            },
            signalCoalesceMs: 100,
            ...options.config,
          },
        },
      }),
      ...(options.extraFeatures ?? []),
    ],
  });
  return { server: backend.server, stop: () => backend.stop(), logs, signals };
}
