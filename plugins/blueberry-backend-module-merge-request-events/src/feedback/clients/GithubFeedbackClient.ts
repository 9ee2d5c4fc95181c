import { Octokit } from '@octokit/rest';
import type { FeedbackPhase } from '../feedbackState';
import type { MergeRequestLink } from '../mergeRequestLink';
import type {
  FeedbackClient,
  MergeRequestFacts,
  StatusUpdate,
} from './FeedbackClient';

/** GitHub's deployment status states, from ours (`removing` and `removed` retire it). */
const DEPLOYMENT_STATE: Record<
  FeedbackPhase,
  'queued' | 'in_progress' | 'success' | 'failure' | 'inactive'
> = {
  creating: 'queued',
  deploying: 'in_progress',
  ready: 'success',
  failing: 'failure',
  removing: 'inactive',
  removed: 'inactive',
};

/**
 * Pull request comments (issue comments), deployments and deployment statuses through Octokit.
 * `octokit` is made per host from the `integrations.github` entry (token or GitHub App).
 */
export class GithubFeedbackClient implements FeedbackClient {
  readonly #octokitFor: (link: MergeRequestLink) => Promise<Octokit>;

  constructor(octokitFor: (link: MergeRequestLink) => Promise<Octokit>) {
    this.#octokitFor = octokitFor;
  }

  async mergeRequest(link: MergeRequestLink): Promise<MergeRequestFacts> {
    const octokit = await this.#octokitFor(link);
    const { data } = await octokit.rest.pulls.get({
      ...repo(link),
      pull_number: link.number,
    });
    let state: MergeRequestFacts['state'] = 'open';
    if (data.state === 'closed') state = data.merged ? 'merged' : 'closed';
    return { headSha: data.head.sha, state };
  }

  async findComment(
    link: MergeRequestLink,
    marker: string,
  ): Promise<string | undefined> {
    const octokit = await this.#octokitFor(link);
    const perPage = 100;
    for (let page = 1; ; page++) {
      const { data } = await octokit.rest.issues.listComments({
        ...repo(link),
        issue_number: link.number,
        per_page: perPage,
        page,
      });
      const found = data.find(c => c.body?.startsWith(marker));
      if (found) return String(found.id);
      if (data.length < perPage) break;
    }
    return undefined;
  }

  async createComment(link: MergeRequestLink, body: string): Promise<string> {
    const octokit = await this.#octokitFor(link);
    const { data } = await octokit.rest.issues.createComment({
      ...repo(link),
      issue_number: link.number,
      body,
    });
    return String(data.id);
  }

  async updateComment(
    link: MergeRequestLink,
    commentId: string,
    body: string,
  ): Promise<'updated' | 'missing'> {
    const octokit = await this.#octokitFor(link);
    try {
      await octokit.rest.issues.updateComment({
        ...repo(link),
        comment_id: Number(commentId),
        body,
      });
      return 'updated';
    } catch (error) {
      if ((error as { status?: number }).status === 404) return 'missing';
      throw error;
    }
  }

  async setStatus(
    link: MergeRequestLink,
    update: StatusUpdate,
  ): Promise<{ deploymentId?: string }> {
    const octokit = await this.#octokitFor(link);
    let deploymentId = update.deploymentId;
    if (!deploymentId) {
      const { data, status } = await octokit.rest.repos.createDeployment({
        ...repo(link),
        ref: update.sha,
        environment: update.environment,
        description: update.description,
        transient_environment: true,
        production_environment: false,
        // The environment is deployed by Argo CD from the GitOps repository, not from this
        // repository's checks: neither merge the default branch in nor wait for contexts.
        auto_merge: false,
        required_contexts: [],
      });
      if (status !== 201 || !('id' in data)) {
        throw new Error(
          `GitHub made no deployment of ${update.environment}: ${
            (data as { message?: string }).message ?? `status ${status}`
          }`,
        );
      }
      deploymentId = String(data.id);
    }
    await octokit.rest.repos.createDeploymentStatus({
      ...repo(link),
      deployment_id: Number(deploymentId),
      state: DEPLOYMENT_STATE[update.phase],
      description: update.description,
      log_url: update.pageUrl,
      ...(update.environmentUrl
        ? { environment_url: update.environmentUrl }
        : {}),
    });
    return { deploymentId };
  }
}

function repo(link: MergeRequestLink): { owner: string; repo: string } {
  const [owner, name] = link.project.split('/');
  return { owner, repo: name };
}
