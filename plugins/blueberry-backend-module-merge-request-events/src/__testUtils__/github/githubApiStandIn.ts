import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GithubOpenApi, type GithubOperation } from './githubOpenApi';

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
export interface StandInFault {
  method: string;
  /** Matched against the operation's path template, such as `/repos/{owner}/{repo}/issues/comments/{comment_id}`. */
  template: string;
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  operationId?: string;
  body: unknown;
  status: number;
}

/**
 * A GitHub App installed on one account: the stand-in then answers the App endpoints with a JWT
 * the app signed (RS256, `iss` = the app id, checked against its public key) and accepts the
 * installation tokens it handed out, as well as `token`.
 */
export interface StandInGithubApp {
  appId: number;
  /** PEM of the app's public key. */
  publicKey: string;
  installationId: number;
  /** The user or organisation the app is installed on. */
  account: string;
}

export interface GithubApiStandIn {
  /** The `apiBaseUrl` of an `integrations.github` entry. */
  url: string;
  token: string;
  /** Installation access tokens handed out to the app, newest last. */
  installationTokens: string[];
  /** Requests answered with the Authorization they carried: `token`, `installation` or `app-jwt`. */
  authorizations: Array<{ operationId?: string; kind?: string }>;
  pulls: Map<string, StandInPullRequest>;
  comments: Map<number, StandInComment>;
  deployments: Map<number, StandInDeployment>;
  requests: RecordedRequest[];
  /** Every request or response that does not match GitHub's OpenAPI description. */
  problems: string[];
  addPullRequest(pull: Omit<StandInPullRequest, 'state' | 'merged'>): void;
  /** Answers the next matching request with this instead. */
  failOnce(fault: StandInFault): void;
  /** What a person does on github.com: deletes a comment. */
  deleteComment(id: number): void;
  close(): Promise<void>;
}

const BOT = 'blueberry-bot';

/**
 * A stand-in for the part of GitHub's REST API the feedback writer uses (pull requests, issue
 * comments, deployments and deployment statuses), over real HTTP. Every request is matched to an
 * operation of GitHub's official OpenAPI description by method and path template and validated
 * against it (parameters and body); every answer starts from GitHub's own documented example of
 * that operation, is filled with the stand-in's state and validated against the response schema.
 * Anything that does not match lands in `problems`, and a request GitHub would not understand is
 * answered 404 or 422 as GitHub does.
 */
export async function startGithubApiStandIn(
  options: { token?: string; app?: StandInGithubApp } = {},
): Promise<GithubApiStandIn> {
  const api = GithubOpenApi.load();
  const token = options.token ?? 'ghp_standin-token';
  const pulls = new Map<string, StandInPullRequest>();
  const comments = new Map<number, StandInComment>();
  const deployments = new Map<number, StandInDeployment>();
  const requests: RecordedRequest[] = [];
  const problems: string[] = [];
  const faults: StandInFault[] = [];
  const installationTokens: string[] = [];
  const authorizations: GithubApiStandIn['authorizations'] = [];
  let nextId = 1000;
  let url = '';

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const target = new URL(req.url ?? '/', 'http://standin');
    const method = req.method ?? 'GET';
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const record: RecordedRequest = {
      method,
      path: target.pathname,
      body,
      status: 0,
    };
    requests.push(record);

    const send = (
      status: number,
      payload?: unknown,
      headers: Record<string, string> = {},
      operation?: GithubOperation,
    ) => {
      record.status = status;
      if (operation) {
        for (const problem of api.responseProblems(
          operation,
          status,
          payload,
        )) {
          problems.push(`${method} ${target.pathname} → ${problem}`);
        }
      }
      res.writeHead(status, {
        ...(payload === undefined
          ? {}
          : { 'content-type': 'application/json; charset=utf-8' }),
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '4999',
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
        ...headers,
      });
      res.end(payload === undefined ? undefined : JSON.stringify(payload));
    };

    const operation = api.operation(method, target.pathname);
    if (!operation) {
      problems.push(
        `${method} ${target.pathname}: no such operation in GitHub's API`,
      );
      send(404, {
        message: 'Not Found',
        documentation_url: 'https://docs.github.com/rest',
      });
      return;
    }
    record.operationId = operation.operationId;
    const kind = authorizationKind(
      req.headers.authorization ?? '',
      operation.template.startsWith('/app/'),
    );
    authorizations.push({ operationId: operation.operationId, kind });
    if (!kind) {
      send(
        401,
        {
          message: 'Requires authentication',
          documentation_url: 'https://docs.github.com/rest',
        },
        {},
      );
      return;
    }
    const requestProblems = api.requestProblems(
      operation,
      target.searchParams,
      body,
    );
    if (requestProblems.length) {
      problems.push(
        ...requestProblems.map(p => `${method} ${target.pathname}: ${p}`),
      );
      send(
        422,
        {
          message: 'Validation Failed',
          documentation_url: 'https://docs.github.com/rest',
          errors: requestProblems,
        },
        {},
        operation,
      );
      return;
    }
    const faultIndex = faults.findIndex(
      f => f.method === method && f.template === operation.template,
    );
    if (faultIndex >= 0) {
      const [fault] = faults.splice(faultIndex, 1);
      send(fault.status, fault.body, fault.headers, operation);
      return;
    }
    const answer = handle(operation, body as any, target.searchParams);
    send(answer.status, answer.body, {}, operation);
  });

  /**
   * What authenticates a request, as GitHub tells them apart: the App's own endpoints take only a
   * JWT the app signed, every other endpoint a token (personal or an installation's).
   */
  function authorizationKind(
    authorization: string,
    appEndpoint: boolean,
  ): string | undefined {
    const [scheme, credential = ''] = authorization.split(' ');
    if (!/^(token|bearer)$/i.test(scheme)) return undefined;
    if (appEndpoint) return appJwtValid(credential) ? 'app-jwt' : undefined;
    if (credential === token) return 'token';
    return installationTokens.includes(credential) ? 'installation' : undefined;
  }

  function appJwtValid(jwt: string): boolean {
    if (!options.app) return false;
    const [header, payload, signature] = jwt.split('.');
    if (!signature) return false;
    const signed = verify(
      'RSA-SHA256',
      Buffer.from(`${header}.${payload}`),
      createPublicKey(options.app.publicKey),
      Buffer.from(signature, 'base64url'),
    );
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const now = Date.now() / 1000;
    // GitHub: issued by the app, at most ten minutes long, not expired.
    return (
      signed &&
      String(claims.iss) === String(options.app.appId) &&
      claims.exp > now &&
      claims.exp - claims.iat <= 660
    );
  }

  function notFound() {
    return {
      status: 404,
      body: {
        message: 'Not Found',
        documentation_url: 'https://docs.github.com/rest',
      },
    };
  }

  function handle(
    operation: GithubOperation,
    body: any,
    query: URLSearchParams,
  ): { status: number; body?: unknown } {
    const p = operation.pathParams;
    const repoKey = `${p.owner}/${p.repo}`;
    switch (operation.operationId) {
      case 'apps/list-installations': {
        const app = options.app!;
        const example = api.example(operation, 200)[0];
        return {
          status: 200,
          body: [
            {
              ...example,
              id: app.installationId,
              app_id: app.appId,
              // This path's description inlines the account as `allOf` [Simple User, Enterprise]
              // (`anyOf` elsewhere), so an answer that validates carries both shapes' fields.
              account: {
                ...example.account,
                login: app.account,
                name: app.account,
                slug: app.account,
                created_at: example.created_at,
                updated_at: example.updated_at,
              },
              repository_selection: 'all',
              suspended_at: null,
              suspended_by: null,
            },
          ],
        };
      }
      case 'apps/create-installation-access-token': {
        if (Number(p.installation_id) !== options.app?.installationId) {
          return notFound();
        }
        const issued = `ghs_${randomBytes(18).toString('base64url')}`;
        installationTokens.push(issued);
        const example = api.example(operation, 201);
        delete example.repositories;
        return {
          status: 201,
          body: {
            ...example,
            token: issued,
            expires_at: new Date(Date.now() + 3600_000)
              .toISOString()
              .replace(/\.\d+Z$/, 'Z'),
            repository_selection: 'all',
          },
        };
      }
      case 'pulls/get': {
        const pull = pulls.get(`${repoKey}#${p.pull_number}`);
        if (!pull) return notFound();
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
        if (!pulls.has(`${repoKey}#${p.issue_number}`)) return notFound();
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
        if (!pulls.has(`${repoKey}#${p.issue_number}`)) return notFound();
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
          return notFound();
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
        if (!deployment) return notFound();
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
        if (!deployment) return notFound();
        const example = api.example(operation, 200)[0];
        return {
          status: 200,
          body: [...deployment.statuses]
            .reverse()
            .map(s => statusBody(structuredClone(example), deployment, s)),
        };
      }
      default:
        problems.push(`${operation.operationId}: not served by the stand-in`);
        return notFound();
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

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    token,
    installationTokens,
    authorizations,
    pulls,
    comments,
    deployments,
    requests,
    problems,
    addPullRequest: pull =>
      pulls.set(`${pull.owner}/${pull.repo}#${pull.number}`, {
        ...pull,
        state: 'open',
        merged: false,
      }),
    failOnce: fault => faults.push(fault),
    deleteComment: id => comments.delete(id),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
