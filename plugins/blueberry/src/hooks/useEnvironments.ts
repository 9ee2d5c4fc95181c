import type { EnvironmentsResponse } from '@blueberry-idp/plugin-blueberry-common';
import { useApi } from '@backstage/core-plugin-api';
import { useEffect, useRef } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { blueberryApiRef } from '../api';
import { useLiveUpdates } from './useLiveUpdates';

export interface EnvironmentsState {
  /** The last good answer; kept while a refetch runs or after a refetch fails, so nothing flickers. */
  response?: EnvironmentsResponse;
  /** True only until the first answer. */
  loading: boolean;
  /** The last fetch's error, if it failed. */
  error?: Error;
  /** True when updates arrive by signal; false when the hook polls. */
  live: boolean;
  refetch: () => void;
}

/** The environments of an entity, kept current by the backend's signals (or polling without them). */
export function useEnvironments(entityRef: string): EnvironmentsState {
  const api = useApi(blueberryApiRef);
  const [state, fetch] = useAsyncFn(
    () => api.getEnvironments(entityRef),
    [api, entityRef],
  );
  useEffect(() => {
    fetch();
  }, [fetch]);

  const lastGood = useRef<EnvironmentsResponse | undefined>(undefined);
  if (state.value) lastGood.current = state.value;

  const response = lastGood.current;
  const settling = Boolean(
    response?.items.some(
      environment =>
        environment.operation?.phase === 'Running' ||
        environment.health === 'Progressing',
    ),
  );
  const { live } = useLiveUpdates(entityRef, fetch, { settling });
  return {
    response,
    loading: !response && !state.error,
    error: state.error,
    live,
    refetch: fetch,
  };
}
