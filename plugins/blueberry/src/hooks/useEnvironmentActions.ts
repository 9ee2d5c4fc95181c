import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useCallback, useState } from 'react';
import { blueberryApiRef, EnvironmentKey } from '../api';

export type EnvironmentAction = 'refresh' | 'sync' | 'keep';

/** Refresh, Sync and Keep for one environment, reporting the outcome through the app's alerts. */
export function useEnvironmentActions(
  key: EnvironmentKey,
  onDone: () => void,
): {
  run: (action: EnvironmentAction) => Promise<void>;
  running?: EnvironmentAction;
} {
  const api = useApi(blueberryApiRef);
  const alertApi = useApi(alertApiRef);
  const [running, setRunning] = useState<EnvironmentAction>();

  const perform = useCallback(
    async (action: EnvironmentAction): Promise<string> => {
      switch (action) {
        case 'sync':
          await api.syncEnvironment(key);
          return `Sync of ${key.name} requested`;
        case 'keep': {
          const kept = await api.keepEnvironment(key);
          return `${key.name} kept until ${new Date(
            kept.expiresAt,
          ).toLocaleString()}`;
        }
        default:
          await api.refreshEnvironment(key);
          return `Refresh of ${key.name} requested`;
      }
    },
    [api, key],
  );

  const run = useCallback(
    async (action: EnvironmentAction) => {
      setRunning(action);
      try {
        alertApi.post({
          message: await perform(action),
          severity: 'success',
          display: 'transient',
        });
        onDone();
      } catch (e) {
        alertApi.post({
          message: `Could not ${action} ${key.name}: ${(e as Error).message}`,
          severity: 'error',
        });
      } finally {
        setRunning(undefined);
      }
    },
    [perform, alertApi, key, onDone],
  );
  return { run, running };
}
