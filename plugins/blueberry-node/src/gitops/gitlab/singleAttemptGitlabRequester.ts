import {
  createRequesterFn,
  GitbeakerRequestError,
  GitbeakerTimeoutError,
  getMatchingRateLimiter,
  type RequesterType,
  type RequestHandlerFn,
  type ResourceOptions,
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

/**
 * gitbeaker's error for a failed response, as its own handler makes it (the description is GitLab's
 * `error` or `message`), read from a copy so that `cause.response` keeps its body for the caller.
 */
async function failure(
  request: Request,
  response: Response,
): Promise<GitbeakerRequestError> {
  const text = await response.clone().text();
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
 * fetch would repeat the request, PRIVATE-TOKEN and all, to wherever a redirect points (it drops only
 * `Authorization` across origins), and GitLab's API never needs one followed: refused, with the
 * redirect response on the error.
 */
function redirectRefused(
  request: Request,
  response: Response,
): GitbeakerRequestError {
  const { host, pathname } = new URL(request.url);
  const description = `GitLab answered ${request.method} ${pathname} with a redirect (${response.status}); not followed, so the token stays with ${host}. Check the GitLab API URL (integrations.gitlab, blueberry.gitops.gitlab)`;
  return new GitbeakerRequestError(description, {
    cause: { description, request, response },
  });
}

/**
 * gitbeaker's own request handler tries a 429 or 502 ten times within a quarter of a second and then
 * throws an error that has lost the response, so GitLab's `Retry-After` and `RateLimit-Reset` never
 * reach a caller that decides retries itself; and it follows redirects. This handler makes one
 * attempt, refuses a redirect, and throws gitbeaker's `GitbeakerRequestError` with the response
 * (its body unread) for every failed status.
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
  const request = new Request(url, { ...init, method, redirect: 'manual' });
  const response = await fetch(request).catch((error: Error) => {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') {
      throw new GitbeakerTimeoutError('Query timeout was reached');
    }
    throw error;
  });
  if (response.status >= 300 && response.status < 400) {
    throw redirectRefused(request, response);
  }
  if (!response.ok) throw await failure(request, response);
  const headers = Object.fromEntries(response.headers.entries());
  const body = asStream ? response.body : await bodyOf(response);
  return { body, headers, status: response.status } as any;
};

/**
 * The `requesterFn` for `new Gitlab({ ..., requesterFn })`: one attempt per call, no redirect
 * followed, and every failure a `GitbeakerRequestError` whose `cause.response` is GitLab's answer
 * (status, `Retry-After`, body), for callers that map errors and decide retries themselves.
 *
 * @public
 */
export const singleAttemptGitlabRequester: (
  serviceOptions: ResourceOptions,
) => RequesterType = createRequesterFn(
  (_, requestOptions) => Promise.resolve(requestOptions),
  singleAttempt,
);
