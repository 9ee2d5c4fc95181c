import { KeyedQueue } from '@blueberry-idp/plugin-blueberry-common';
import { setTimeout as wait } from 'node:timers/promises';

// The changes being made to each environment in this process, by name.
const changing = new KeyedQueue();

/**
 * Runs `change` once every change of the same environment started before it in this process has
 * ended: one change at a time per environment (the janitor's removal, a keep, a rollback), each
 * reading the repository after the one before it has written. Across processes the repository
 * itself decides (a local repository's lock, a Git host's one proposal per branch).
 */
export function oneChangeAtATime<T>(
  environment: string,
  change: () => Promise<T>,
): Promise<T> {
  return changing.run(environment, change);
}

/** Errors that trying again cannot mend: the caller's input, permissions, a missing environment. */
const FINAL = new Set([
  'InputError',
  'NotFoundError',
  'NotAllowedError',
  'AuthenticationError',
  'NotModifiedError',
]);

/** How often a change is tried in all. */
const ATTEMPTS = 5;

/**
 * Runs a change, and again from a fresh read when it failed for a reason not the caller's:
 * another writer's change in the same folder (ConflictError), a lock another process held, a Git
 * host's passing fault. `change` must read what it changes itself, so a second try starts over.
 * The last failure is the answer.
 */
export async function againFromAFreshRead<T>(
  change: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await change();
    } catch (error) {
      if (FINAL.has((error as Error)?.name) || attempt >= ATTEMPTS) {
        throw error;
      }
      // A timer that keeps the process alive: the change is still to be made.
      await wait(150 * attempt + Math.random() * 150);
    }
  }
}
