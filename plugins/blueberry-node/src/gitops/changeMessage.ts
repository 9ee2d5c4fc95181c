/**
 * Who asked for a change to an environment in the GitOps repository, through which task, and why.
 *
 * @public
 */
export interface GitopsChangeRequest {
  environment: string;
  /** Why, in a sentence, e.g. "expired at 2030-01-04T12:00:00Z (blueberry.io/expires-at)". */
  reason: string;
  /** Who asked: a user entity ref, or the name of the job that acts (the expiry janitor). */
  requestedBy: string;
  /** Which task or route made the change, e.g. `blueberry-expiry-janitor`. */
  task: string;
}

/**
 * The commit message of every Blueberry lifecycle change: what happened, then who, which task and
 * why as trailers, so Git is the audit trail.
 *
 * @public
 */
export function gitopsCommitMessage(
  summary: string,
  request: Pick<GitopsChangeRequest, 'reason' | 'requestedBy' | 'task'>,
): string {
  return [
    `blueberry: ${summary}`,
    '',
    `Reason: ${request.reason}`,
    `Requested-by: ${request.requestedBy}`,
    `Task: ${request.task}`,
  ].join('\n');
}

/** A merge request's description: why, who, which task, and what merging it does. */
export function gitopsChangeDescription(
  request: Pick<GitopsChangeRequest, 'reason' | 'requestedBy' | 'task'>,
  merging: string,
): string {
  return [
    `Reason: ${request.reason}`,
    `Requested-by: ${request.requestedBy}`,
    `Task: ${request.task}`,
    merging,
  ].join('\n\n');
}
