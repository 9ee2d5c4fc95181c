/** The longest we ever wait before trying a merge request's feedback again. */
export const MAX_RETRY_DELAY_MS = 15 * 60_000;

const BASE_DELAY_MS = 2_000;

/** Headers of a failed response, whichever client threw it (Octokit's RequestError, gitbeaker's). */
function headersOf(
  error: unknown,
): ((name: string) => string | undefined) | undefined {
  const octokit = (
    error as { response?: { headers?: Record<string, unknown> } }
  ).response?.headers;
  if (octokit && typeof octokit === 'object') {
    return name => {
      const value = octokit[name];
      return value === undefined ? undefined : String(value);
    };
  }
  const response = (error as { cause?: { response?: Response } }).cause
    ?.response;
  if (response?.headers && typeof response.headers.get === 'function') {
    return name => response.headers.get(name) ?? undefined;
  }
  return undefined;
}

/** The status of a failed response, whichever client threw it. */
export function failedStatus(error: unknown): number | undefined {
  const status =
    (error as { status?: unknown }).status ??
    (error as { cause?: { response?: Response } }).cause?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * How long the provider asked us to wait, in ms: `Retry-After` (seconds or an HTTP date; GitHub's
 * secondary rate limit, GitLab's 429), else a spent primary rate limit's reset time
 * (`x-ratelimit-remaining: 0` with `x-ratelimit-reset`, GitHub; `ratelimit-reset`, GitLab),
 * both epoch seconds. Undefined when it did not say.
 */
export function askedDelayMs(
  error: unknown,
  now = Date.now(),
): number | undefined {
  const header = headersOf(error);
  if (!header) return undefined;
  const retryAfter = header('retry-after');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  const remaining =
    header('x-ratelimit-remaining') ?? header('ratelimit-remaining');
  const reset = header('x-ratelimit-reset') ?? header('ratelimit-reset');
  if (remaining === '0' && reset && Number.isFinite(Number(reset))) {
    return Math.max(0, Number(reset) * 1000 - now);
  }
  return undefined;
}

/**
 * When to try again after the `attempt`-th failure in a row (0 for the first): what the provider
 * asked for, and never sooner than exponential backoff with jitter, capped.
 */
export function retryDelayMs(
  error: unknown,
  attempt: number,
  now = Date.now(),
  random: () => number = Math.random,
): number {
  const backoff = Math.min(
    MAX_RETRY_DELAY_MS,
    BASE_DELAY_MS * 2 ** Math.min(attempt, 20) * (0.5 + random() / 2),
  );
  const asked = askedDelayMs(error, now);
  return Math.min(MAX_RETRY_DELAY_MS, Math.max(backoff, asked ?? 0));
}
