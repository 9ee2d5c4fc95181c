import { GitbeakerRequestError } from '@gitbeaker/requester-utils';
import type { Gitlab } from '@gitbeaker/rest';
import type { FeedbackPhase } from '../feedbackState';
import type { MergeRequestLink } from '../mergeRequestLink';
import type {
  FeedbackClient,
  MergeRequestFacts,
  StatusUpdate,
} from './FeedbackClient';

/**
 * GitLab's commit status states, from ours. A removed environment leaves the commit's status as it
 * was: `canceled` would mark the merge request's pipeline canceled, and the comment says it went.
 */
const COMMIT_STATE: Record<
  FeedbackPhase,
  'pending' | 'running' | 'success' | 'failed' | undefined
> = {
  creating: 'pending',
  deploying: 'running',
  ready: 'success',
  failing: 'failed',
  removing: undefined,
  removed: undefined,
};

/**
 * GitLab refuses to set a commit status to the state it has: HTTP 400 whose body's message is
 * `Cannot transition status via :run from :running`. GitLab gives no code beyond the 400, so the
 * typed error's description (the body's message, not the error's rendering) tells it apart.
 */
const SAME_STATE = /Cannot transition status/i;

/**
 * Merge request notes, commit statuses and environments through gitbeaker. `gitlabFor` is made per host from the
 * `integrations.gitlab` entry (its token).
 */
export class GitlabFeedbackClient implements FeedbackClient {
  readonly #gitlabFor: (link: MergeRequestLink) => InstanceType<typeof Gitlab>;

  constructor(
    gitlabFor: (link: MergeRequestLink) => InstanceType<typeof Gitlab>,
  ) {
    this.#gitlabFor = gitlabFor;
  }

  async mergeRequest(link: MergeRequestLink): Promise<MergeRequestFacts> {
    const mergeRequest = await this.#gitlabFor(link).MergeRequests.show(
      link.project,
      link.number,
    );
    let state: MergeRequestFacts['state'] = 'closed';
    if (mergeRequest.state === 'merged') state = 'merged';
    if (mergeRequest.state === 'opened') state = 'open';
    return { headSha: String(mergeRequest.sha), state };
  }

  async findComment(
    link: MergeRequestLink,
    marker: string,
  ): Promise<string | undefined> {
    const notes = await this.#gitlabFor(link).MergeRequestNotes.all(
      link.project,
      link.number,
      { sort: 'asc', orderBy: 'created_at', perPage: 100 },
    );
    const found = notes.find(n => !n.system && n.body?.startsWith(marker));
    return found ? String(found.id) : undefined;
  }

  async createComment(link: MergeRequestLink, body: string): Promise<string> {
    const note = await this.#gitlabFor(link).MergeRequestNotes.create(
      link.project,
      link.number,
      body,
    );
    return String(note.id);
  }

  async updateComment(
    link: MergeRequestLink,
    commentId: string,
    body: string,
  ): Promise<'updated' | 'missing'> {
    try {
      await this.#gitlabFor(link).MergeRequestNotes.edit(
        link.project,
        link.number,
        Number(commentId),
        { body },
      );
      return 'updated';
    } catch (error) {
      if (statusOf(error) === 404) return 'missing';
      throw error;
    }
  }

  async setStatus(
    link: MergeRequestLink,
    update: StatusUpdate,
  ): Promise<{ deploymentId?: string }> {
    const state = COMMIT_STATE[update.phase];
    if (state) await this.#commitStatus(link, update, state);
    await this.#environment(link, update);
    return {};
  }

  async #commitStatus(
    link: MergeRequestLink,
    update: StatusUpdate,
    state: NonNullable<(typeof COMMIT_STATE)[FeedbackPhase]>,
  ): Promise<void> {
    try {
      await this.#gitlabFor(link).Commits.editStatus(
        link.project,
        update.sha,
        state,
        {
          name: `blueberry/${update.environment}`,
          targetUrl: update.pageUrl,
          description: update.description,
        },
      );
    } catch (error) {
      const sameState =
        error instanceof GitbeakerRequestError &&
        error.cause?.response.status === 400 &&
        SAME_STATE.test(error.cause.description);
      if (!sameState) {
        throw error;
      }
    }
  }

  /**
   * GitLab's own environment of the same name carries the preview URL, which GitLab shows on the
   * merge request ("View app"); it is stopped once the environment is removed.
   */
  async #environment(
    link: MergeRequestLink,
    update: StatusUpdate,
  ): Promise<void> {
    const removed = update.phase === 'removed' || update.phase === 'removing';
    if (!removed && !update.environmentUrl) return;
    const gitlab = this.#gitlabFor(link);
    const [existing] = await gitlab.Environments.all(link.project, {
      name: update.environment,
    });
    if (removed) {
      if (existing && existing.state !== 'stopped') {
        await gitlab.Environments.stop(link.project, existing.id);
      }
      return;
    }
    if (!existing) {
      await gitlab.Environments.create(link.project, update.environment, {
        externalUrl: update.environmentUrl,
        tier: 'development',
      });
    } else if (existing.external_url !== update.environmentUrl) {
      await gitlab.Environments.edit(link.project, existing.id, {
        externalUrl: update.environmentUrl,
      });
    }
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { cause?: { response?: Response } }).cause?.response?.status;
}
