/**
 * Typed failures of the Argo CD client. Messages never contain the token or response bodies beyond
 * Argo CD's own error message, so they are safe to log and to show in `errors`.
 */

/** Base class: an Argo CD instance answered badly or not at all. */
export class ArgoCdError extends Error {
  readonly instance: string;
  /** HTTP status, when Argo CD answered. */
  readonly status?: number;

  constructor(instance: string, message: string, status?: number) {
    super(message);
    this.name = 'ArgoCdError';
    this.instance = instance;
    this.status = status;
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
