import { z } from 'zod';
import type { MergeRequestChange } from '../MergeRequestChange';

/**
 * The topic GitHub pull request events arrive on (GithubEventRouter of the events GitHub module).
 *
 * @public
 */
export const GITHUB_PULL_REQUEST_TOPIC = 'github.pull_request';

/** The parts of GitHub's `pull_request` webhook body this module reads. */
const pullRequestEvent = z.object({
  action: z.string(),
  number: z.number().int().positive(),
  label: z.object({ name: z.string() }).optional(),
  sender: z.object({ login: z.string() }).partial().optional(),
  repository: z.object({ full_name: z.string() }),
  pull_request: z.object({
    html_url: z.string().url(),
    state: z.enum(['open', 'closed']),
    merged: z.boolean().nullable().optional(),
    labels: z.array(z.object({ name: z.string() })).optional(),
    updated_at: z.string().optional(),
    head: z.object({ sha: z.string(), ref: z.string() }).partial().optional(),
  }),
});

const COMMIT_SHA = /^[0-9a-f]{40}$/;

/** Reads a GitHub `pull_request` event body; undefined when it is not one or lacks what we need. */
export function parseGithubPullRequestEvent(
  payload: unknown,
): MergeRequestChange | undefined {
  const parsed = pullRequestEvent.safeParse(payload);
  if (!parsed.success) return undefined;
  const event = parsed.data;
  const pr = event.pull_request;
  let state: MergeRequestChange['state'] = 'open';
  if (pr.state === 'closed') state = pr.merged ? 'merged' : 'closed';
  const labels = (pr.labels ?? []).map(l => l.name);
  return {
    provider: 'github',
    event: `pull_request ${event.action}`,
    project: event.repository.full_name,
    number: event.number,
    url: pr.html_url,
    state,
    labels,
    removedLabels:
      event.action === 'unlabeled' &&
      event.label &&
      !labels.includes(event.label.name)
        ? [event.label.name]
        : [],
    actor: `github:${event.sender?.login ?? 'unknown'}`,
    updatedAt: pr.updated_at,
    headSha:
      pr.head?.sha && COMMIT_SHA.test(pr.head.sha) ? pr.head.sha : undefined,
    branch: pr.head?.ref,
    // GitHub sends `synchronize` when the head branch gets new commits (or is force-pushed).
    pushed: event.action === 'synchronize',
  };
}
