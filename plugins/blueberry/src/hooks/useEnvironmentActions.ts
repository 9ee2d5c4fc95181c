import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useCallback, useState } from 'react';
import { blueberryApiRef, EnvironmentKey } from '../api';

export type EnvironmentAction = 'refresh' | 'sync';

/** Refresh and Sync for one environment, reporting the outcome through the app's alerts. */
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

  const run = useCallback(
    async (action: EnvironmentAction) => {
      setRunning(action);
      try {
        if (action === 'sync') await api.syncEnvironment(key);
        else await api.refreshEnvironment(key);
        alertApi.post({
          message: `${action === 'sync' ? 'Sync' : 'Refresh'} of ${
            key.name
          } requested`,
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
    [api, alertApi, key, onDone],
  );
  return { run, running };
}
