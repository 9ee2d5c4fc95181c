import { createPublicKey, verify } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GithubOpenApi, type GithubOperation } from './githubOpenApi';

/** An answer to give once, instead of the real one, to the next request that matches. */
export interface GithubApiFault {
  method: string;
  /** Matched against the operation's path template, such as `/repos/{owner}/{repo}/pulls`. */
  template: string;
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

export interface GithubRecordedRequest {
  method: string;
  path: string;
  operationId?: string;
  body: unknown;
  status: number;
}

/**
 * A GitHub App installed on one account: the server then answers the App endpoints with a JWT
 * the app signed (RS256, `iss` = the app id, checked against its public key) and accepts the
 * installation tokens it handed out, as well as the token.
 */
export interface GithubApiApp {
  appId: number;
  /** PEM of the app's public key. */
  publicKey: string;
  installationId: number;
  /** The user or organisation the app is installed on. */
  account: string;
}

/** What a handler answers; the server validates it against the operation's response schema. */
export interface GithubAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One request, matched to its operation and validated, for a handler to answer. */
export interface GithubApiRequest {
  operation: GithubOperation;
  body: any;
  query: URLSearchParams;
}

/** Answers the operations it serves; undefined for one it does not (then: 404 and a problem). */
export type GithubApiHandler = (
  request: GithubApiRequest,
) => GithubAnswer | undefined | Promise<GithubAnswer | undefined>;

export interface GithubApiServer {
  /** The `apiBaseUrl` of an `integrations.github` entry. */
  url: string;
  token: string;
  api: GithubOpenApi;
  /** Installation access tokens handed out to the app, newest last (the app handler adds them). */
  installationTokens: string[];
  /** Requests answered with the Authorization they carried: `token`, `installation` or `app-jwt`. */
  authorizations: Array<{ operationId?: string; kind?: string }>;
  requests: GithubRecordedRequest[];
  /** Every request or response that does not match GitHub's OpenAPI description. */
  problems: string[];
  /** Answers the next matching request with this instead. */
  failOnce(fault: GithubApiFault): void;
  close(): Promise<void>;
}

/** GitHub's 404 body. */
export function githubNotFound(): GithubAnswer {
  return {
    status: 404,
    body: {
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest',
    },
  };
}

/** GitHub's 422 body, as it answers a request it understood but refuses. */
export function githubValidationFailed(message: string): GithubAnswer {
  return {
    status: 422,
    body: {
      message,
      documentation_url: 'https://docs.github.com/rest',
    },
  };
}

/**
 * GitHub's REST API over real HTTP, for stand-ins to answer: every request is matched to an
 * operation of GitHub's official OpenAPI description by method and path template, authenticated
 * as GitHub does (a token, an installation token, or for `/app/` endpoints an app's JWT) and
 * validated against the description (parameters and body); each handler's answer is validated
 * against the response schema. Anything that does not match lands in `problems`, and a request
 * GitHub would not understand is answered 404 or 422 as GitHub does. Handlers are asked in turn;
 * the first answer wins.
 */
export async function startGithubApiServer(options: {
  token?: string;
  app?: GithubApiApp;
  handlers: Array<(server: GithubApiServer) => GithubApiHandler>;
}): Promise<GithubApiServer> {
  const api = GithubOpenApi.load();
  const token = options.token ?? 'ghp_standin-token';
  const faults: GithubApiFault[] = [];
  const state: GithubApiServer = {
    url: '',
    token,
    api,
    installationTokens: [],
    authorizations: [],
    requests: [],
    problems: [],
    failOnce: fault => faults.push(fault),
    close: () => stop(),
  };
  const handlers = options.handlers.map(make => make(state));

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
    const record: GithubRecordedRequest = {
      method,
      path: target.pathname,
      body,
      status: 0,
    };
    state.requests.push(record);

    const send = (answer: GithubAnswer, operation?: GithubOperation) => {
      record.status = answer.status;
      if (operation) {
        for (const problem of api.responseProblems(
          operation,
          answer.status,
          answer.body,
        )) {
          state.problems.push(`${method} ${target.pathname} → ${problem}`);
        }
      }
      res.writeHead(answer.status, {
        ...(answer.body === undefined
          ? {}
          : { 'content-type': 'application/json; charset=utf-8' }),
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '4999',
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
        ...answer.headers,
      });
      res.end(
        answer.body === undefined ? undefined : JSON.stringify(answer.body),
      );
    };

    const operation = api.operation(method, target.pathname);
    if (!operation) {
      state.problems.push(
        `${method} ${target.pathname}: no such operation in GitHub's API`,
      );
      send(githubNotFound());
      return;
    }
    record.operationId = operation.operationId;
    const kind = authorizationKind(
      req.headers.authorization ?? '',
      operation.template.startsWith('/app/'),
    );
    state.authorizations.push({ operationId: operation.operationId, kind });
    if (!kind) {
      send({
        status: 401,
        body: {
          message: 'Requires authentication',
          documentation_url: 'https://docs.github.com/rest',
        },
      });
      return;
    }
    const requestProblems = api.requestProblems(
      operation,
      target.searchParams,
      body,
    );
    if (requestProblems.length) {
      state.problems.push(
        ...requestProblems.map(p => `${method} ${target.pathname}: ${p}`),
      );
      send(
        {
          status: 422,
          body: {
            message: 'Validation Failed',
            documentation_url: 'https://docs.github.com/rest',
            // GitHub's validation error: one object per problem, `code` required.
            errors: requestProblems.map(message => ({
              code: 'invalid',
              message,
            })),
          },
        },
        operation,
      );
      return;
    }
    const faultIndex = faults.findIndex(
      f => f.method === method && f.template === operation.template,
    );
    if (faultIndex >= 0) {
      const [fault] = faults.splice(faultIndex, 1);
      send(fault, operation);
      return;
    }
    const request = { operation, body, query: target.searchParams };
    try {
      for (const handle of handlers) {
        const answer = await handle(request);
        if (answer) {
          send(answer, operation);
          return;
        }
      }
    } catch (error) {
      state.problems.push(`${operation.operationId}: ${error}`);
      send({ status: 500, body: { message: String(error) } });
      return;
    }
    state.problems.push(`${operation.operationId}: not served by the stand-in`);
    send(githubNotFound(), operation);
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
    return state.installationTokens.includes(credential)
      ? 'installation'
      : undefined;
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

  async function stop() {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
