import {
  githubAppHandler,
  githubNotFound,
  startGithubApiServer,
  type GithubAnswer,
  type GithubApiApp,
  type GithubApiFault,
  type GithubApiRequest,
  type GithubApiServer,
} from '@blueberry-idp/test-utils';

/** A pull request as the stand-in holds it. */
export interface StandInPullRequest {
  owner: string;
  repo: string;
  number: number;
  headSha: string;
  state: 'open' | 'closed';
  merged: boolean;
}

export interface StandInComment {
  id: number;
  owner: string;
  repo: string;
  issue: number;
  body: string;
  login: string;
}

export interface StandInDeployment {
  id: number;
  owner: string;
  repo: string;
  sha: string;
  environment: string;
  transientEnvironment: boolean;
  productionEnvironment: boolean;
  statuses: Array<{
    id: number;
    state: string;
    environmentUrl?: string;
    logUrl?: string;
    description?: string;
  }>;
}

/** An answer to give once, instead of the real one, to the next request that matches. */
export type StandInFault = GithubApiFault;

/** A GitHub App installed on one account (see `GithubApiApp`). */
export type StandInGithubApp = GithubApiApp;

export interface GithubApiStandIn
  extends Omit<GithubApiServer, 'api' | 'failOnce'> {
  pulls: Map<string, StandInPullRequest>;
  comments: Map<number, StandInComment>;
  deployments: Map<number, StandInDeployment>;
  addPullRequest(pull: Omit<StandInPullRequest, 'state' | 'merged'>): void;
  /** Answers the next matching request with this instead. */
  failOnce(fault: StandInFault): void;
  /** What a person does on github.com: deletes a comment. */
  deleteComment(id: number): void;
}

const BOT = 'blueberry-bot';

/**
 * A stand-in for the part of GitHub's REST API the feedback writer uses (pull requests, issue
 * comments, deployments and deployment statuses), on `startGithubApiServer`: every request is
 * validated against GitHub's official OpenAPI description, and every answer starts from GitHub's
 * own documented example of that operation, is filled with the stand-in's state and validated
 * against the response schema.
 */
export async function startGithubApiStandIn(
  options: { token?: string; app?: StandInGithubApp } = {},
): Promise<GithubApiStandIn> {
  const pulls = new Map<string, StandInPullRequest>();
  const comments = new Map<number, StandInComment>();
  const deployments = new Map<number, StandInDeployment>();
  let nextId = 1000;
  let url = '';
  let api: GithubApiServer['api'];

  function handle({
    operation,
    body,
    query,
  }: GithubApiRequest): GithubAnswer | undefined {
    const p = operation.pathParams;
    const repoKey = `${p.owner}/${p.repo}`;
    switch (operation.operationId) {
      case 'pulls/get': {
        const pull = pulls.get(`${repoKey}#${p.pull_number}`);
        if (!pull) return githubNotFound();
        const example = api.example(operation, 200);
        example.number = pull.number;
        example.state = pull.state;
        example.merged = pull.merged;
        example.head.sha = pull.headSha;
        example.html_url = `https://github.com/${repoKey}/pull/${pull.number}`;
        // GitHub's own example lists a team without the `type` its schema requires: no teams here.
        example.requested_teams = [];
        return { status: 200, body: example };
      }
      case 'issues/list-comments': {
        if (!pulls.has(`${repoKey}#${p.issue_number}`)) return githubNotFound();
        const perPage = Number(query.get('per_page') ?? 30);
        const page = Number(query.get('page') ?? 1);
        const all = [...comments.values()].filter(
          c =>
            `${c.owner}/${c.repo}` === repoKey &&
            String(c.issue) === p.issue_number,
        );
        const example = api.example(operation, 200)[0];
        return {
          status: 200,
          body: all
            .slice((page - 1) * perPage, page * perPage)
            .map(c => commentBody(example, c)),
        };
      }
      case 'issues/create-comment': {
        if (!pulls.has(`${repoKey}#${p.issue_number}`)) return githubNotFound();
        const comment: StandInComment = {
          id: nextId++,
          owner: p.owner,
          repo: p.repo,
          issue: Number(p.issue_number),
          body: body.body,
          login: BOT,
        };
        comments.set(comment.id, comment);
        return {
          status: 201,
          body: commentBody(api.example(operation, 201), comment),
        };
      }
      case 'issues/update-comment': {
        const comment = comments.get(Number(p.comment_id));
        if (!comment || `${comment.owner}/${comment.repo}` !== repoKey) {
          // GitHub answers 404 for a deleted comment, though the description lists only 200 and 422.
          return githubNotFound();
        }
        comment.body = body.body;
        return {
          status: 200,
          body: commentBody(api.example(operation, 200), comment),
        };
      }
      case 'repos/create-deployment': {
        const deployment: StandInDeployment = {
          id: nextId++,
          owner: p.owner,
          repo: p.repo,
          sha: body.ref,
          environment: body.environment ?? 'production',
          transientEnvironment: body.transient_environment ?? false,
          productionEnvironment:
            body.production_environment ?? body.environment === 'production',
          statuses: [],
        };
        deployments.set(deployment.id, deployment);
        const example = api.example(operation, 201);
        Object.assign(example, {
          id: deployment.id,
          url: `${url}/repos/${repoKey}/deployments/${deployment.id}`,
          statuses_url: `${url}/repos/${repoKey}/deployments/${deployment.id}/statuses`,
          sha: deployment.sha,
          ref: deployment.sha,
          environment: deployment.environment,
          original_environment: deployment.environment,
          description: body.description ?? null,
          transient_environment: deployment.transientEnvironment,
          production_environment: deployment.productionEnvironment,
        });
        return { status: 201, body: example };
      }
      case 'repos/create-deployment-status': {
        const deployment = deployments.get(Number(p.deployment_id));
        if (!deployment) return githubNotFound();
        const status = {
          id: nextId++,
          state: body.state,
          environmentUrl: body.environment_url,
          logUrl: body.log_url,
          description: body.description,
        };
        deployment.statuses.push(status);
        return {
          status: 201,
          body: statusBody(api.example(operation, 201), deployment, status),
        };
      }
      case 'repos/list-deployment-statuses': {
        const deployment = deployments.get(Number(p.deployment_id));
        if (!deployment) return githubNotFound();
        const example = api.example(operation, 200)[0];
        return {
          status: 200,
          body: [...deployment.statuses]
            .reverse()
            .map(s => statusBody(structuredClone(example), deployment, s)),
        };
      }
      default:
        return undefined;
    }
  }

  function commentBody(example: any, comment: StandInComment): any {
    const repoKey = `${comment.owner}/${comment.repo}`;
    return {
      ...example,
      id: comment.id,
      body: comment.body,
      url: `${url}/repos/${repoKey}/issues/comments/${comment.id}`,
      html_url: `https://github.com/${repoKey}/pull/${comment.issue}#issuecomment-${comment.id}`,
      issue_url: `${url}/repos/${repoKey}/issues/${comment.issue}`,
      user: { ...example.user, login: comment.login },
    };
  }

  function statusBody(
    example: any,
    deployment: StandInDeployment,
    status: StandInDeployment['statuses'][number],
  ): any {
    const repoKey = `${deployment.owner}/${deployment.repo}`;
    const { environment_url: _url, log_url: _log, ...rest } = example;
    return {
      ...rest,
      id: status.id,
      state: status.state,
      description: status.description ?? '',
      environment: deployment.environment,
      // Absent unless given: the schema's `format: uri` refuses the empty string.
      ...(status.environmentUrl
        ? { environment_url: status.environmentUrl }
        : {}),
      ...(status.logUrl ? { log_url: status.logUrl } : {}),
      target_url: status.logUrl ?? rest.target_url,
      url: `${url}/repos/${repoKey}/deployments/${deployment.id}/statuses/${status.id}`,
      deployment_url: `${url}/repos/${repoKey}/deployments/${deployment.id}`,
      repository_url: `${url}/repos/${repoKey}`,
    };
  }

  const server = await startGithubApiServer({
    token: options.token,
    app: options.app,
    handlers: [
      ...(options.app ? [githubAppHandler(options.app)] : []),
      started => {
        api = started.api;
        return handle;
      },
    ],
  });
  url = server.url;

  return {
    url: server.url,
    token: server.token,
    installationTokens: server.installationTokens,
    authorizations: server.authorizations,
    requests: server.requests,
    problems: server.problems,
    pulls,
    comments,
    deployments,
    addPullRequest: pull =>
      pulls.set(`${pull.owner}/${pull.repo}#${pull.number}`, {
        ...pull,
        state: 'open',
        merged: false,
      }),
    failOnce: fault => server.failOnce(fault),
    deleteComment: id => comments.delete(id),
    close: () => server.close(),
  };
}
