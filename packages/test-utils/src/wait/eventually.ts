import { sleep } from '@blueberry-idp/plugin-blueberry-common';

/**
 * Polls `check` until it returns a value other than undefined or false, and returns it. A check
 * that throws counts as not yet (its last error is in the timeout's message). Fails after
 * `timeoutMs`; polls every `intervalMs`.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
  what = 'condition',
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}${
          last ? `: ${last}` : ''
        }`,
      );
    }
    await sleep(intervalMs);
  }
}
