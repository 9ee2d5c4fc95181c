import type { Environment } from '@blueberry-idp/plugin-blueberry-common';
import { relativeTime } from './expiry';

/**
 * A deletion running this long is reported as stuck: Argo CD prunes an environment in seconds to
 * minutes, and a resource whose own finalizer never completes holds it forever.
 */
export const DELETION_STUCK_AFTER_MS = 10 * 60 * 1000;

export interface Deletion {
  /** The resources Argo CD still shows for the environment. */
  remaining: number;
  stuck: boolean;
  /** "5 minutes ago". */
  relative: string;
  since: Date;
}

/** Where Argo CD is in deleting an environment; undefined when it is not being deleted. */
export function deletionOf(
  environment: Pick<Environment, 'deletingSince' | 'waves'>,
  now: Date,
): Deletion | undefined {
  if (!environment.deletingSince) return undefined;
  const since = new Date(environment.deletingSince);
  if (Number.isNaN(since.getTime())) return undefined;
  return {
    remaining: environment.waves.reduce(
      (count, wave) => count + wave.resources.length,
      0,
    ),
    stuck: now.getTime() - since.getTime() >= DELETION_STUCK_AFTER_MS,
    relative: relativeTime(since, now),
    since,
  };
}
