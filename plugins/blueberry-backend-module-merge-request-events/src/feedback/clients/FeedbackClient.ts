import type { FeedbackPhase } from '../feedbackState';
import type { MergeRequestLink } from '../mergeRequestLink';

/** What the provider says about the merge request itself. */
export interface MergeRequestFacts {
  /** The head commit's SHA. */
  headSha: string;
  state: 'open' | 'closed' | 'merged';
}

/** A deployment status (GitHub) or commit status (GitLab) to set. */
export interface StatusUpdate {
  environment: string;
  /** The commit it is about: the environment's commit, else the merge request's head. */
  sha: string;
  phase: FeedbackPhase;
  description: string;
  /** The environment's Backstage page. */
  pageUrl: string;
  /** Its first preview URL, when it has one. */
  environmentUrl?: string;
  /** The GitHub deployment made for this environment and SHA before, if any. */
  deploymentId?: string;
}

/**
 * The few calls the feedback writer makes to GitHub or GitLab, whatever the provider. Failures are
 * thrown as the client library throws them; `retryDelayMs` reads them.
 */
export interface FeedbackClient {
  mergeRequest(link: MergeRequestLink): Promise<MergeRequestFacts>;
  /** Our comment on the merge request: the first whose body starts with the marker. */
  findComment(
    link: MergeRequestLink,
    marker: string,
  ): Promise<string | undefined>;
  createComment(link: MergeRequestLink, body: string): Promise<string>;
  /** `missing` when the comment is gone (a person deleted it). */
  updateComment(
    link: MergeRequestLink,
    commentId: string,
    body: string,
  ): Promise<'updated' | 'missing'>;
  /** Sets the status; returns the deployment it is on (GitHub) to reuse for the same SHA. */
  setStatus(
    link: MergeRequestLink,
    update: StatusUpdate,
  ): Promise<{ deploymentId?: string }>;
}
