import type { Environment } from '@blueberry-idp/plugin-blueberry-common';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { blueberryApiRef, EnvironmentKey } from '../api';

/**
 * One environment in full (with Argo CD's tree under its resources). `version` is anything that
 * changes when the list changes (the list response), so a signal refreshes the detail too.
 */
export function useEnvironmentDetail(
  key: EnvironmentKey | undefined,
  version: unknown,
): { environment?: Environment; loading: boolean; error?: Error } {
  const api = useApi(blueberryApiRef);
  const { value, loading, error } = useAsync(
    async () => (key ? api.getEnvironment(key) : undefined),
    [api, key?.instance, key?.name, version],
  );
  return { environment: value, loading, error };
}
