import {
  changeBranch,
  changeText,
  checkChange,
  planChange,
  type PlannedEdit,
} from './gitopsChange';
import type { GitopsChange, GitopsChangeResult } from './GitopsRepository';

/** The steps of a proposal a Git host (GitLab, GitHub) makes through its API. */
export interface GitHostProposals {
  /** The branch Argo CD follows; proposals target it. */
  followedBranch: string;
  /** The open merge or pull request whose source is `branch`, if any. */
  findOpen(branch: string): Promise<{ url: string } | undefined>;
  /** The commit `branch` points at. */
  head(branch: string): Promise<string>;
  /** The folder's files at a commit, by repository path. */
  filesAt(dir: string, revision: string): Promise<Map<string, Buffer>>;
  /**
   * Commits `plan` (against `current`, the folder at `parent`) as one commit on `branch`: onto its
   * head when `fresh` is false, else as the branch made anew from `parent` (a branch a closed
   * proposal left behind is reset). Answers the commit.
   */
  commit(input: {
    branch: string;
    parent: string;
    fresh: boolean;
    current: Map<string, Buffer>;
    plan: PlannedEdit[];
    message: string;
  }): Promise<string>;
  /** Opens the proposal of `branch`; one another caller opened first is answered as theirs. */
  open(
    branch: string,
    text: { title: string; description: string },
  ): Promise<{ url: string; alreadyOpen: boolean }>;
}

/**
 * A change proposed on a Git host, the same way on each: an open proposal on
 * `blueberry/<kind>-<env>` answers a repeat (and gets one more commit when it holds other
 * files); otherwise one commit on that branch from the followed branch, then the proposal;
 * nothing when the followed branch holds the files already.
 */
export async function proposeOnGitHost(
  host: GitHostProposals,
  change: GitopsChange,
): Promise<GitopsChangeResult> {
  const { dir, environment, edits } = checkChange(change);
  const text = changeText(change);
  const branch = changeBranch(change.kind, environment);
  const open = await host.findOpen(branch);
  const parent = await host.head(open ? branch : host.followedBranch);
  const current = await host.filesAt(dir, parent);
  const plan = planChange(current, edits);
  if (plan.length === 0) {
    return {
      status: open ? 'proposed' : 'unchanged',
      revision: parent,
      ...(open ? { url: open.url } : {}),
      alreadyOpen: Boolean(open),
    };
  }
  const revision = await host.commit({
    branch,
    parent,
    fresh: !open,
    current,
    plan,
    message: text.message,
  });
  const proposal = open
    ? { url: open.url, alreadyOpen: true }
    : await host.open(branch, text);
  return { status: 'proposed', revision, ...proposal };
}
