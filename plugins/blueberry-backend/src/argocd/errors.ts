/**
 * Typed failures of the Argo CD client. Messages never contain the token or response bodies beyond
 * Argo CD's own error message, so they are safe to log and to show in `errors`.
 */

/** Base class: an Argo CD instance answered badly or not at all. */
export class ArgoCdError extends Error {
  readonly instance: string;
  /** HTTP status, when Argo CD answered. */
  readonly status?: number;
  /** How long Argo CD asked us to wait before trying again (its `Retry-After`), in seconds. */
  readonly retryAfterSeconds?: number;

  constructor(
    instance: string,
    message: string,
    status?: number,
    retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ArgoCdError';
    this.instance = instance;
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** Whether trying the same read again may help. */
  get retryable(): boolean {
    return (
      this.status === undefined || this.status >= 500 || this.status === 429
    );
  }
}

/** Argo CD refused the token (401): a configuration problem, retried slowly. */
export class ArgoCdAuthError extends ArgoCdError {
  constructor(instance: string, status: number) {
    super(
      instance,
      `Argo CD instance '${instance}' refused the configured token (HTTP ${status}); check blueberry.argocd.instances[].token`,
      status,
    );
    this.name = 'ArgoCdAuthError';
  }

  get retryable(): boolean {
    return false;
  }
}

/** Argo CD has no such object (404), or the token may not see it (Argo CD answers 403 as well). */
export class ArgoCdNotFoundError extends ArgoCdError {
  constructor(instance: string, what: string, status: number) {
    super(
      instance,
      `Argo CD instance '${instance}' has no ${what} (HTTP ${status})`,
      status,
    );
    this.name = 'ArgoCdNotFoundError';
  }

  get retryable(): boolean {
    return false;
  }
}

/** No answer: connection refused, reset, DNS failure or timeout. */
export class ArgoCdUnreachableError extends ArgoCdError {
  constructor(instance: string, cause: string) {
    super(instance, `Argo CD instance '${instance}' is unreachable: ${cause}`);
    this.name = 'ArgoCdUnreachableError';
  }
}

const MAX_RETRY_AFTER_SECONDS = 300;

/**
 * Seconds from a `Retry-After` header (delay-seconds or an HTTP date), capped so a hostile or
 * broken header cannot park anything for long; undefined when absent or unreadable.
 */
export function parseRetryAfter(
  header: string | undefined,
  now = Date.now(),
): number | undefined {
  if (!header) return undefined;
  const seconds = /^\d+$/.test(header.trim())
    ? Number(header.trim())
    : Math.ceil((Date.parse(header) - now) / 1000);
  if (!Number.isFinite(seconds)) return undefined;
  return Math.min(Math.max(seconds, 0), MAX_RETRY_AFTER_SECONDS);
}
