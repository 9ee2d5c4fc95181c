import { z } from 'zod';
import type { MergeRequestChange } from '../MergeRequestChange';

/**
 * The topic GitLab merge request events arrive on (GitlabEventRouter of the events GitLab module).
 *
 * @public
 */
export const GITLAB_MERGE_REQUEST_TOPIC = 'gitlab.merge_request';

const label = z.object({ title: z.string() });

/** The parts of GitLab's "Merge Request Hook" body this module reads. */
const mergeRequestHook = z.object({
  object_kind: z.literal('merge_request'),
  user: z.object({ username: z.string() }).partial().optional(),
  project: z.object({ path_with_namespace: z.string() }),
  labels: z.array(label).optional(),
  changes: z
    .object({
      labels: z
        .object({ previous: z.array(label), current: z.array(label) })
        .optional(),
    })
    .optional(),
  object_attributes: z.object({
    iid: z.number().int().positive(),
    url: z.string().url(),
    state: z.string(),
    action: z.string().optional(),
    updated_at: z.string().optional(),
    source_branch: z.string().optional(),
    last_commit: z.object({ id: z.string() }).partial().optional(),
    // Present on an `update` that brought new commits: the head before them.
    oldrev: z.string().optional(),
  }),
});

const COMMIT_SHA = /^[0-9a-f]{40}$/;

const STATES: Record<string, MergeRequestChange['state']> = {
  opened: 'open',
  merged: 'merged',
  closed: 'closed',
  // A locked merge request is on its way to merged: it takes no new environment.
  locked: 'closed',
};

/** Reads a GitLab "Merge Request Hook" body; undefined when it is not one or lacks what we need. */
export function parseGitlabMergeRequestHook(
  payload: unknown,
): MergeRequestChange | undefined {
  const parsed = mergeRequestHook.safeParse(payload);
  if (!parsed.success) return undefined;
  const hook = parsed.data;
  const attributes = hook.object_attributes;
  const state = STATES[attributes.state];
  if (!state) return undefined;
  const titles = (labels?: Array<{ title: string }>) =>
    (labels ?? []).map(l => l.title);
  const labelChange = hook.changes?.labels;
  const current = labelChange
    ? titles(labelChange.current)
    : titles(hook.labels);
  return {
    provider: 'gitlab',
    event: `merge_request ${attributes.action ?? 'unknown'}`,
    project: hook.project.path_with_namespace,
    number: attributes.iid,
    url: attributes.url,
    state,
    labels: current,
    removedLabels: labelChange
      ? titles(labelChange.previous).filter(t => !current.includes(t))
      : [],
    actor: `gitlab:${hook.user?.username ?? 'unknown'}`,
    updatedAt: attributes.updated_at,
    headSha:
      attributes.last_commit?.id && COMMIT_SHA.test(attributes.last_commit.id)
        ? attributes.last_commit.id
        : undefined,
    branch: attributes.source_branch,
    pushed: attributes.action === 'update' && Boolean(attributes.oldrev),
  };
}
