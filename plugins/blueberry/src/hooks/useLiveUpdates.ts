import { environmentSignalChannel } from '@blueberry-idp/plugin-blueberry-common';
import { useSignal } from '@backstage/plugin-signals-react';
import { useEffect, useRef } from 'react';

/** How often to refetch when the app has no signals: gentle, since it is only a fallback. */
export const FALLBACK_POLL_INTERVAL_MS = 30_000;

/**
 * How often to refetch while an environment is settling (a sync running, health Progressing), even
 * with signals. The signal socket connects a moment after the page loads and reconnects after a drop;
 * a change made in that gap is never signalled, and a short sync can be over by the time it is up.
 */
export const SETTLING_POLL_INTERVAL_MS = 5_000;

/**
 * Calls `onChange` whenever the backend signals a change to the entity's environments. When the app
 * has no signals plugin, falls back to polling; while something is settling, also polls a little
 * faster as a safety net for a missed signal. Polls only while the page is visible.
 */
export function useLiveUpdates(
  entityRef: string,
  onChange: () => void,
  options: { pollIntervalMs?: number; settling?: boolean } = {},
): { live: boolean } {
  const pollIntervalMs = options.pollIntervalMs ?? FALLBACK_POLL_INTERVAL_MS;
  const { lastSignal, isSignalsAvailable } = useSignal(
    environmentSignalChannel(entityRef),
  );
  // Held in a ref so a new callback identity neither re-subscribes nor replays the last signal.
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  useEffect(() => {
    if (lastSignal) onChangeRef.current();
  }, [lastSignal]);

  let interval: number | undefined;
  if (options.settling)
    interval = Math.min(pollIntervalMs, SETTLING_POLL_INTERVAL_MS);
  else if (!isSignalsAvailable) interval = pollIntervalMs;

  useEffect(() => {
    if (interval === undefined) return undefined;
    const timer = setInterval(() => {
      if (typeof document === 'undefined' || !document.hidden) {
        onChangeRef.current();
      }
    }, interval);
    return () => clearInterval(timer);
  }, [interval]);

  return { live: isSignalsAvailable };
}
