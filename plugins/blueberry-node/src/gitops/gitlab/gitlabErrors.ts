import { ResponseError } from '@backstage/errors';
import { GitbeakerRequestError } from '@gitbeaker/requester-utils';

/** The HTTP status GitLab answered a failed gitbeaker call with; undefined when none came. */
export function gitlabStatusOf(error: unknown): number | undefined {
  return error instanceof GitbeakerRequestError
    ? error.cause?.response?.status
    : undefined;
}

/**
 * A failed gitbeaker call as `@backstage/errors`' `ResponseError` (from GitLab's response, which
 * singleAttemptGitlabRequester leaves unread): GitLab's status, its body, and its message (the
 * body's `message` or `error`, or a refused redirect's explanation) in the error's message. Other
 * failures (a timeout, a refused connection) are passed on as they are.
 */
export async function responseErrorOf(error: unknown): Promise<Error> {
  if (!(error instanceof GitbeakerRequestError) || !error.cause?.response) {
    return error as Error;
  }
  const { request, response, description } = error.cause;
  const failed = await ResponseError.fromResponse(response);
  const path = new URL(request.url).pathname;
  // A refused redirect's description says all of it.
  failed.message =
    response.status >= 300 && response.status < 400
      ? description
      : `GitLab answered ${request.method} ${path} with ${response.status}: ${description}`;
  return failed;
}

/** A gitbeaker call whose failure is a `ResponseError` (responseErrorOf). */
export async function gitlabCall<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (error) {
    throw await responseErrorOf(error);
  }
}

/** A gitbeaker call answered `undefined` when GitLab says 404; any other failure as gitlabCall. */
export async function orNotFound<T>(
  request: Promise<T>,
): Promise<T | undefined> {
  try {
    return await request;
  } catch (error) {
    if (gitlabStatusOf(error) === 404) return undefined;
    throw await responseErrorOf(error);
  }
}
