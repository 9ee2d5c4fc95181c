import { GitbeakerRequestError } from '@gitbeaker/requester-utils';
import { Branches } from '@gitbeaker/rest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { singleAttemptGitlabRequester } from './singleAttemptGitlabRequester';

const TOKEN = 'glpat-requester-test-0123456789';

/** A real HTTP server answering every request with `answer`, recording what it was sent. */
async function server(answer: (res: http.ServerResponse) => void) {
  const received: Array<{ url?: string; token?: string }> = [];
  const srv = http.createServer((req, res) => {
    received.push({
      url: req.url,
      token: req.headers['private-token'] as string | undefined,
    });
    answer(res);
  });
  await new Promise<void>(resolve => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    stop: () => new Promise<void>(resolve => srv.close(() => resolve())),
  };
}

const branchesAt = (host: string) =>
  new Branches({
    host,
    token: TOKEN,
    requesterFn: singleAttemptGitlabRequester,
  });

describe('singleAttemptGitlabRequester', () => {
  it.each([301, 302, 307, 308])(
    'refuses a %i redirect: the token never reaches the host it names',
    async status => {
      const elsewhere = await server(res => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"name":"main","commit":{"id":"stolen"}}');
      });
      const redirecting = await server(res => {
        res.writeHead(status, {
          Location: `${elsewhere.url}/api/v4/projects/x/repository/branches/main`,
        });
        res.end();
      });
      try {
        const error = await branchesAt(redirecting.url)
          .show('platform/gitops', 'main')
          .catch(e => e);
        expect(error).toBeInstanceOf(GitbeakerRequestError);
        expect(error.message).toBe(
          `GitLab answered GET /api/v4/projects/platform%2Fgitops/repository/branches/main with a redirect (${status}); not followed, so the token stays with ${
            new URL(redirecting.url).host
          }. Check the GitLab API URL (integrations.gitlab, blueberry.gitops.gitlab)`,
        );
        expect(error.message).not.toContain(TOKEN);
        expect(error.cause.response.status).toBe(status);
        // The API host got the request once, with the token; the other host got nothing.
        expect(redirecting.received).toEqual([
          {
            url: '/api/v4/projects/platform%2Fgitops/repository/branches/main',
            token: TOKEN,
          },
        ]);
        expect(elsewhere.received).toEqual([]);
      } finally {
        await redirecting.stop();
        await elsewhere.stop();
      }
    },
  );

  it('makes one attempt at a 429 and keeps the response, Retry-After and body, on the error', async () => {
    const limited = await server(res => {
      res.writeHead(429, {
        'content-type': 'application/json',
        'retry-after': '42',
      });
      res.end('{"message":"429 Too Many Requests"}');
    });
    try {
      const error = await branchesAt(limited.url)
        .show('platform/gitops', 'main')
        .catch(e => e);
      expect(error).toBeInstanceOf(GitbeakerRequestError);
      expect(error.message).toBe('429 Too Many Requests');
      expect(error.cause.response.status).toBe(429);
      expect(error.cause.response.headers.get('retry-after')).toBe('42');
      // The body is left for the caller (a ResponseError reads it).
      await expect(error.cause.response.json()).resolves.toEqual({
        message: '429 Too Many Requests',
      });
      expect(limited.received).toHaveLength(1);
    } finally {
      await limited.stop();
    }
  });
});
