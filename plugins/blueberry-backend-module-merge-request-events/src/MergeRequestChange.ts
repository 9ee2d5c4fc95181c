/** A merge request (GitLab) or pull request (GitHub) event, in the terms the environment logic needs. */
export interface MergeRequestChange {
  provider: 'gitlab' | 'github';
  /** The event and its action as the provider names them, for logs: `merge_request close`. */
  event: string;
  /** The project's path (`shop/shop`) or repository's full name (`acme/shop`). */
  project: string;
  /** The merge request iid (GitLab) or pull request number (GitHub). */
  number: number;
  /** Its web URL; recorded on the environment as `blueberry.io/merge-request`. */
  url: string;
  /** Its state after the event. */
  state: 'open' | 'closed' | 'merged';
  /** Its labels after the event. */
  labels: string[];
  /** Labels this event took off. */
  removedLabels: string[];
  /** Who caused the event: `gitlab:<username>` or `github:<login>`. */
  actor: string;
  /** When the merge request last changed (RFC 3339), to drop events that arrive late. */
  updatedAt?: string;
  /** The full SHA of its head commit after the event. */
  headSha?: string;
  /** Its source branch. */
  branch?: string;
  /**
   * The event brought new commits (GitHub `synchronize`, GitLab `update` with `oldrev`): the
   * environment follows the new head.
   */
  pushed: boolean;
}

/** What the change means for the merge request's environment. */
export type EnvironmentPlan =
  | { action: 'create'; reason: string }
  | { action: 'remove'; reason: string }
  | { action: 'follow'; reason: string }
  | { action: 'none'; why: string };

/** `!12 of shop/shop` (GitLab) or `#12 of acme/shop` (GitHub). */
export function describeMergeRequest(change: MergeRequestChange): string {
  return change.provider === 'gitlab'
    ? `merge request !${change.number} of ${change.project}`
    : `pull request #${change.number} of ${change.project}`;
}

/**
 * Decides from the merge request's state after the event, not from the event's action alone, so a
 * repeated event plans the same thing again (which then finds nothing to do): merged or closed
 * removes; new commits on an open one move its environment to the new head; open with the label
 * creates; the label taken off an open one removes. Without a label configured, environments are
 * never created from events (closing still removes them, and pushes still move them).
 */
export function planEnvironment(
  change: MergeRequestChange,
  options: { label?: string },
): EnvironmentPlan {
  const subject = `${describeMergeRequest(change)} (${change.url})`;
  if (change.state !== 'open') {
    return { action: 'remove', reason: `${subject} was ${change.state}` };
  }
  if (change.pushed && change.headSha) {
    return {
      action: 'follow',
      reason: `${subject} has a new head, ${change.headSha.slice(0, 7)}`,
    };
  }
  const { label } = options;
  if (!label) {
    return { action: 'none', why: 'no label configured for creation' };
  }
  if (change.labels.includes(label)) {
    return {
      action: 'create',
      reason: `${subject} is open with the label '${label}'`,
    };
  }
  if (change.removedLabels.includes(label)) {
    return {
      action: 'remove',
      reason: `the label '${label}' was taken off ${subject}`,
    };
  }
  return { action: 'none', why: `open without the label '${label}'` };
}
