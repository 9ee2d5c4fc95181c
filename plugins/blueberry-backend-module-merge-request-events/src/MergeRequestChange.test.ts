import { planEnvironment } from './MergeRequestChange';
import { parseGithubPullRequestEvent } from './providers/github';
import { parseGitlabMergeRequestHook } from './providers/gitlab';
import {
  at,
  githubPullRequestEvent,
  gitlabMergeRequestHook,
} from './__testUtils__/payloads';

const LABEL = { label: 'preview' };

describe('reading provider payloads', () => {
  it('reads GitLab hooks by state and current labels, and label removal from changes.labels', () => {
    const unlabelled = parseGitlabMergeRequestHook(
      gitlabMergeRequestHook({
        iid: 7,
        action: 'update',
        labels: ['backend'],
        previousLabels: ['backend', 'preview'],
        updatedAt: at(1),
      }),
    );
    expect(unlabelled).toEqual({
      provider: 'gitlab',
      event: 'merge_request update',
      project: 'shop/shop',
      number: 7,
      url: 'https://gitlab.example.com/shop/shop/-/merge_requests/7',
      state: 'open',
      labels: ['backend'],
      removedLabels: ['preview'],
      actor: 'gitlab:jane',
      updatedAt: '2030-01-02 10:01:00 UTC',
      headSha: 'c'.repeat(40),
      branch: 'feature/checkout',
      pushed: false,
    });
    expect(planEnvironment(unlabelled!, LABEL)).toEqual({
      action: 'remove',
      reason:
        "the label 'preview' was taken off merge request !7 of shop/shop (https://gitlab.example.com/shop/shop/-/merge_requests/7)",
    });
  });

  it('reads GitHub events: closed with merged true is merged, unlabeled names the label taken off', () => {
    const mergedPr = parseGithubPullRequestEvent(
      githubPullRequestEvent({
        number: 3,
        action: 'closed',
        labels: ['preview'],
        merged: true,
        updatedAt: at(2),
      }),
    );
    expect(mergedPr).toMatchObject({ state: 'merged', number: 3 });
    const unlabeled = parseGithubPullRequestEvent(
      githubPullRequestEvent({
        number: 3,
        action: 'unlabeled',
        labels: [],
        label: 'preview',
        updatedAt: at(3),
      }),
    );
    expect(unlabeled).toMatchObject({
      state: 'open',
      labels: [],
      removedLabels: ['preview'],
      actor: 'github:octocat',
    });
  });

  it('reads new commits: GitLab update with oldrev, GitHub synchronize, and plans to follow the head', () => {
    const head = 'd'.repeat(40);
    const pushed = parseGitlabMergeRequestHook(
      gitlabMergeRequestHook({
        iid: 7,
        action: 'update',
        labels: [],
        updatedAt: at(4),
        headSha: head,
        oldrev: 'c'.repeat(40),
      }),
    );
    expect(pushed).toMatchObject({ pushed: true, headSha: head });
    expect(planEnvironment(pushed!, LABEL)).toEqual({
      action: 'follow',
      reason: `merge request !7 of shop/shop (https://gitlab.example.com/shop/shop/-/merge_requests/7) has a new head, ddddddd`,
    });
    const synchronized = parseGithubPullRequestEvent(
      githubPullRequestEvent({
        number: 3,
        action: 'synchronize',
        labels: [],
        updatedAt: at(5),
        headSha: head,
      }),
    );
    expect(synchronized).toMatchObject({
      pushed: true,
      headSha: head,
      branch: 'checkout-v2',
    });
    // A label edit carries no new commits.
    expect(
      parseGithubPullRequestEvent(
        githubPullRequestEvent({
          number: 3,
          action: 'labeled',
          labels: ['preview'],
          label: 'preview',
          updatedAt: at(6),
        }),
      ),
    ).toMatchObject({ pushed: false });
  });

  it('ignores what is not a merge request event, or lacks what identifies one', () => {
    expect(
      parseGitlabMergeRequestHook({ object_kind: 'push' }),
    ).toBeUndefined();
    expect(parseGitlabMergeRequestHook(null)).toBeUndefined();
    const noIid = gitlabMergeRequestHook({
      iid: 1,
      action: 'open',
      labels: [],
      updatedAt: at(0),
    }) as any;
    delete noIid.object_attributes.iid;
    expect(parseGitlabMergeRequestHook(noIid)).toBeUndefined();
    expect(
      parseGithubPullRequestEvent({ action: 'created', issue: {} }),
    ).toBeUndefined();
  });
});

describe('planning from the state after the event', () => {
  const change = (
    state: 'open' | 'closed' | 'merged',
    labels: string[],
    removedLabels: string[] = [],
  ) => ({
    provider: 'github' as const,
    event: 'pull_request edited',
    project: 'acme/shop',
    number: 9,
    url: 'https://github.com/acme/shop/pull/9',
    state,
    labels,
    removedLabels,
    actor: 'github:octocat',
    pushed: false,
  });

  it('open with the label creates; closed or merged removes, label or not', () => {
    expect(planEnvironment(change('open', ['preview']), LABEL).action).toBe(
      'create',
    );
    expect(planEnvironment(change('closed', []), LABEL).action).toBe('remove');
    expect(planEnvironment(change('merged', ['preview']), LABEL).action).toBe(
      'remove',
    );
  });

  it('open without the label does nothing unless this event took it off', () => {
    expect(planEnvironment(change('open', ['other']), LABEL)).toEqual({
      action: 'none',
      why: "open without the label 'preview'",
    });
    expect(planEnvironment(change('open', [], ['preview']), LABEL).action).toBe(
      'remove',
    );
  });

  it('without a label configured, nothing is created but closing still removes', () => {
    expect(planEnvironment(change('open', ['preview']), {}).action).toBe(
      'none',
    );
    expect(planEnvironment(change('merged', []), {}).action).toBe('remove');
  });
});
