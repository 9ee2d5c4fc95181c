import {
  createRequesterFn,
  GitbeakerRequestError,
  GitbeakerTimeoutError,
  getMatchingRateLimiter,
  type RequestHandlerFn,
} from '@gitbeaker/requester-utils';

async function bodyOf(response: Response): Promise<unknown> {
  if (response.status === 204) return null;
  const type = (response.headers.get('content-type') ?? '')
    .split(';')[0]
    .trim();
  if (type === 'application/json') return (await response.json()) ?? {};
  if (type.startsWith('text/')) return (await response.text()) ?? '';
  return response.blob();
}

async function failure(
  request: Request,
  response: Response,
): Promise<GitbeakerRequestError> {
  const text = await response.text();
  let description = text || response.statusText;
  if (response.headers.get('content-type')?.includes('application/json')) {
    try {
      const parsed = JSON.parse(text);
      const message = parsed?.error ?? parsed?.message ?? '';
      description =
        typeof message === 'string' ? message : JSON.stringify(message);
    } catch {
      // Not JSON after all: the text says what happened.
    }
  }
  return new GitbeakerRequestError(description, {
    cause: { description, request, response },
  });
}

/**
 * gitbeaker's own request handler tries a 429 or 502 ten times within a quarter of a second and then
 * throws an error that has lost the response, so GitLab's `Retry-After` and `RateLimit-Reset` never
 * reach the feedback writer, which decides retries itself (retryDelay.ts). This handler makes one
 * attempt and throws gitbeaker's `GitbeakerRequestError` with the response, for every failed status.
 */
const singleAttempt: RequestHandlerFn = async (endpoint, options) => {
  const {
    rateLimiters,
    asStream,
    prefixUrl,
    searchParams,
    method,
    agent: _agent,
    ...init
  } = (options ?? {}) as Record<string, any>;
  const base =
    prefixUrl && !prefixUrl.endsWith('/') ? `${prefixUrl}/` : prefixUrl;
  const url = new URL(endpoint, base);
  url.search = searchParams ?? '';
  await getMatchingRateLimiter(endpoint, rateLimiters, method)();
  const request = new Request(url, { ...init, method });
  const response = await fetch(request).catch((error: Error) => {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') {
      throw new GitbeakerTimeoutError('Query timeout was reached');
    }
    throw error;
  });
  if (!response.ok) throw await failure(request, response);
  const headers = Object.fromEntries(response.headers.entries());
  const body = asStream ? response.body : await bodyOf(response);
  return { body, headers, status: response.status } as any;
};

/** The `requesterFn` for `new Gitlab({ ..., requesterFn })`. */
export const singleAttemptGitlabRequester = createRequesterFn(
  (_, requestOptions) => Promise.resolve(requestOptions),
  singleAttempt,
);
