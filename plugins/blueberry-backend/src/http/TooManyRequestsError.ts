import { CustomErrorBase } from '@backstage/errors';

/**
 * HTTP 429: the caller asked for an action again too soon. Backstage's error handler answers with
 * the `statusCode` an error carries; the route sets Retry-After before throwing it.
 */
export class TooManyRequestsError extends CustomErrorBase {
  name = 'TooManyRequestsError' as const;
  readonly statusCode = 429;
}
