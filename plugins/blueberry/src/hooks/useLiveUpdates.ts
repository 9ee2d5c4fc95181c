import { environmentSignalChannel } from '@blueberry-idp/plugin-blueberry-common';
import { useSignal } from '@backstage/plugin-signals-react';
import { useEffect, useRef } from 'react';

/** How often to refetch when the app has no signals: gentle, since it is only a fallback. */
export const FALLBACK_POLL_INTERVAL_MS = 30_000;

/**
 * Calls `onChange` whenever the backend signals a change to the entity's environments. When the app
 * has no signals plugin, falls back to polling, and only while the page is visible.
 */
export function useLiveUpdates(
  entityRef: string,
  onChange: () => void,
  pollIntervalMs: number = FALLBACK_POLL_INTERVAL_MS,
): { live: boolean } {
  const { lastSignal, isSignalsAvailable } = useSignal(
    environmentSignalChannel(entityRef),
  );
  // Held in a ref so a new callback identity neither re-subscribes nor replays the last signal.
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  useEffect(() => {
    if (lastSignal) onChangeRef.current();
  }, [lastSignal]);

  useEffect(() => {
    if (isSignalsAvailable) return undefined;
    const timer = setInterval(() => {
      if (typeof document === 'undefined' || !document.hidden) {
        onChangeRef.current();
      }
    }, pollIntervalMs);
    return () => clearInterval(timer);
  }, [isSignalsAvailable, pollIntervalMs]);

  return { live: isSignalsAvailable };
}
