import { createHmac } from 'node:crypto';

export const GITLAB_SECRET = 'gitlab-webhook-secret-for-tests';
export const GITHUB_SECRET = 'github-webhook-secret-for-tests';

/** The hour `minute` minutes into 2030-01-02 10:00 UTC: the merge request's `updated_at`. */
export const at = (minute: number) =>
  new Date(Date.UTC(2030, 0, 2, 10, minute))
    .toISOString()
    .replace('.000Z', 'Z');

/**
 * GitLab's "Merge Request Hook" body, with the fields GitLab's webhook documentation shows for
 * open, update (labels changed, or new commits: `oldrev` beside `last_commit`), close, merge and
 * reopen (trimmed of repository, assignees and reviewers, which nothing reads).
 */
export function gitlabMergeRequestHook(options: {
  iid: number;
  action: 'open' | 'update' | 'close' | 'merge' | 'reopen';
  labels: string[];
  previousLabels?: string[];
  updatedAt: string;
  url?: string;
  /** The head commit after the event; default `c` 40 times. */
  headSha?: string;
  /** The head before new commits: an `update` that pushed. */
  oldrev?: string;
  /** The project's path; default `shop/shop`. */
  project?: string;
}) {
  const project = options.project ?? 'shop/shop';
  const headSha = options.headSha ?? 'c'.repeat(40);
  const state = { close: 'closed', merge: 'merged' }[
    options.action as 'close' | 'merge'
  ];
  const label = (title: string, id: number) => ({
    id,
    title,
    color: '#428BCA',
    project_id: 14,
    created_at: '2029-12-01T10:00:00Z',
    updated_at: '2029-12-01T10:00:00Z',
    template: false,
    description: null,
    type: 'ProjectLabel',
    group_id: null,
  });
  const labels = options.labels.map((t, i) => label(t, 200 + i));
  return {
    object_kind: 'merge_request',
    event_type: 'merge_request',
    user: {
      id: 1,
      name: 'Jane Doe',
      username: 'jane',
      avatar_url: 'https://gitlab.example.com/uploads/jane.png',
      email: '[REDACTED]',
    },
    project: {
      id: 14,
      name: 'shop',
      description: 'The shop',
      web_url: `https://gitlab.example.com/${project}`,
      git_ssh_url: `git@gitlab.example.com:${project}.git`,
      git_http_url: `https://gitlab.example.com/${project}.git`,
      namespace: project.split('/')[0],
      visibility_level: 0,
      path_with_namespace: project,
      default_branch: 'main',
    },
    object_attributes: {
      id: 99,
      iid: options.iid,
      target_branch: 'main',
      source_branch: 'feature/checkout',
      source_project_id: 14,
      target_project_id: 14,
      author_id: 51,
      title: 'Checkout v2',
      description: 'A faster checkout',
      created_at: '2030-01-02 09:00:00 UTC',
      // GitLab's own time format in webhooks.
      updated_at: options.updatedAt.replace('T', ' ').replace('Z', ' UTC'),
      state: state ?? 'opened',
      merge_status: 'can_be_merged',
      detailed_merge_status: 'mergeable',
      draft: false,
      work_in_progress: false,
      labels,
      url:
        options.url ??
        `https://gitlab.example.com/${project}/-/merge_requests/${options.iid}`,
      last_commit: {
        id: headSha,
        message: 'Checkout: one page\n',
        title: 'Checkout: one page',
        timestamp: options.updatedAt,
        url: `https://gitlab.example.com/${project}/-/commit/${headSha}`,
        author: { name: 'Jane Doe', email: 'jane@example.com' },
      },
      ...(options.oldrev ? { oldrev: options.oldrev } : {}),
      action: options.action,
    },
    labels,
    changes: options.previousLabels
      ? {
          labels: {
            previous: options.previousLabels.map((t, i) => label(t, 200 + i)),
            current: labels,
          },
        }
      : {},
  };
}

/**
 * GitHub's `pull_request` webhook body for opened, labeled, unlabeled, synchronize (new commits),
 * closed (merged or not) and reopened, with the fields GitHub's webhook documentation shows (trimmed of head/base repository
 * objects and the many API links, which nothing reads).
 */
export function githubPullRequestEvent(options: {
  number: number;
  action:
    | 'opened'
    | 'labeled'
    | 'unlabeled'
    | 'synchronize'
    | 'closed'
    | 'reopened';
  labels: string[];
  label?: string;
  merged?: boolean;
  updatedAt: string;
  /** The repository's full name; default `acme/shop`. */
  repository?: string;
  /** The head commit after the event; default `a` 40 times. */
  headSha?: string;
}) {
  const repository = options.repository ?? 'acme/shop';
  const closed = options.action === 'closed';
  const merged = closed && Boolean(options.merged);
  const label = (name: string, id: number) => ({
    id,
    node_id: `LA_${id}`,
    url: `https://api.github.com/repos/${repository}/labels/${name}`,
    name,
    color: 'ededed',
    default: false,
    description: null,
  });
  const octocat = {
    login: 'octocat',
    id: 583231,
    node_id: 'MDQ6VXNlcjU4MzIzMQ==',
    type: 'User',
    site_admin: false,
  };
  return {
    action: options.action,
    number: options.number,
    ...(options.label ? { label: label(options.label, 300) } : {}),
    pull_request: {
      url: `https://api.github.com/repos/${repository}/pulls/${options.number}`,
      id: 1000 + options.number,
      node_id: `PR_${options.number}`,
      html_url: `https://github.com/${repository}/pull/${options.number}`,
      number: options.number,
      state: closed ? 'closed' : 'open',
      locked: false,
      title: 'Checkout v2',
      user: octocat,
      body: 'A faster checkout',
      labels: options.labels.map((n, i) => label(n, 300 + i)),
      created_at: '2030-01-02T09:00:00Z',
      updated_at: options.updatedAt,
      closed_at: closed ? options.updatedAt : null,
      merged_at: merged ? options.updatedAt : null,
      merge_commit_sha: merged
        ? 'e5bd3914e2e596debea16f433f57875b5b90bcd6'
        : null,
      draft: false,
      head: {
        label: 'acme:checkout-v2',
        ref: 'checkout-v2',
        sha: options.headSha ?? 'a'.repeat(40),
      },
      base: { label: 'acme:main', ref: 'main', sha: 'b'.repeat(40) },
      merged,
      mergeable: null,
      merged_by: merged ? octocat : null,
    },
    repository: {
      id: 1296269,
      node_id: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5',
      name: repository.split('/')[1],
      full_name: repository,
      private: false,
      owner: { login: repository.split('/')[0], id: 1, type: 'Organization' },
      html_url: `https://github.com/${repository}`,
      default_branch: 'main',
    },
    sender: octocat,
  };
}

/** Headers the GitLab webhook sends (the secret token as configured on the hook). */
export function gitlabHeaders(token = GITLAB_SECRET) {
  return {
    'content-type': 'application/json',
    'x-gitlab-event': 'Merge Request Hook',
    'x-gitlab-token': token,
  };
}

/** Headers the GitHub webhook sends, with the HMAC-SHA256 signature of the exact body. */
export function githubHeaders(body: string, secret = GITHUB_SECRET) {
  return {
    'content-type': 'application/json',
    'x-github-event': 'pull_request',
    'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    'x-hub-signature-256': `sha256=${createHmac('sha256', secret)
      .update(body)
      .digest('hex')}`,
  };
}
