/**
 * @jest-environment node
 */
import { ResponseError } from '@backstage/errors';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { BlueberryClient } from './BlueberryClient';

interface SeenRequest {
  method: string;
  rawUrl: string;
  authorization?: string;
  contentType?: string;
  body?: string;
}

/** A real HTTP server standing in for Blueberry's backend: it records what reaches it. */
function startBackend(
  respond: (req: IncomingMessage) => { status: number; body: unknown },
): Promise<{ server: Server; baseUrl: string; seen: SeenRequest[] }> {
  const seen: SeenRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    seen.push({
      method: req.method!,
      rawUrl: req.url!,
      authorization: req.headers.authorization,
      ...(chunks.length
        ? {
            contentType: req.headers['content-type'],
            body: Buffer.concat(chunks).toString('utf8'),
          }
        : {}),
    });
    const { status, body } = respond(req);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        server,
        baseUrl: `http://127.0.0.1:${port}/api/blueberry`,
        seen,
      });
    }),
  );
}

function clientFor(baseUrl: string) {
  return new BlueberryClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
    // What the app's fetchApi does: add the user's token.
    fetchApi: {
      fetch: (input, init) =>
        fetch(input, {
          ...init,
          headers: {
            ...(init?.headers as Record<string, string>),
            authorization: 'Bearer user-token',
          },
        }),
    },
  });
}

describe('BlueberryClient', () => {
  let backend: Awaited<ReturnType<typeof startBackend>>;
  afterEach(() => new Promise(resolve => backend.server.close(resolve)));

  it('lists the environments of an entity, the ref in the query', async () => {
    backend = await startBackend(() => ({
      status: 200,
      body: { items: [], errors: [{ instance: 'eu', message: 'timeout' }] },
    }));
    const response = await clientFor(backend.baseUrl).getEnvironments(
      'component:default/shop & co',
    );
    expect(response.errors).toEqual([{ instance: 'eu', message: 'timeout' }]);
    expect(backend.seen).toEqual([
      {
        method: 'GET',
        rawUrl:
          '/api/blueberry/environments?entityRef=component%3Adefault%2Fshop+%26+co',
        authorization: 'Bearer user-token',
      },
    ]);
  });

  it('encodes instance and name, so they cannot address another route', async () => {
    backend = await startBackend(req => ({
      status: 200,
      body: req.method === 'GET' ? { name: 'pr-1' } : {},
    }));
    const client = clientFor(backend.baseUrl);
    const key = { instance: 'eu/west', name: '../../sync?x=1#y' };

    await client.getEnvironment(key);
    await client.refreshEnvironment(key);
    await client.syncEnvironment(key);

    const path =
      '/api/blueberry/environments/eu%2Fwest/..%2F..%2Fsync%3Fx%3D1%23y';
    expect(backend.seen.map(r => `${r.method} ${r.rawUrl}`)).toEqual([
      `GET ${path}`,
      `POST ${path}/refresh`,
      `POST ${path}/sync`,
    ]);
  });

  it('asks for a page of history with limit and cursor, and posts a rollback as JSON', async () => {
    const revision = 'a'.repeat(40);
    backend = await startBackend(req => ({
      status: req.method === 'GET' ? 200 : 202,
      body:
        req.method === 'GET'
          ? { items: [], nextCursor: revision }
          : { change: { kind: 'commit', revision } },
    }));
    const client = clientFor(backend.baseUrl);
    const key = { instance: 'eu', name: 'pr-1' };

    expect(await client.getEnvironmentHistory(key)).toEqual({
      items: [],
      nextCursor: revision,
    });
    await client.getEnvironmentHistory(key, { limit: 5, cursor: revision });
    expect(await client.rollbackEnvironment(key, revision)).toEqual({
      change: { kind: 'commit', revision },
    });

    expect(backend.seen).toEqual([
      {
        method: 'GET',
        rawUrl: '/api/blueberry/environments/eu/pr-1/history',
        authorization: 'Bearer user-token',
      },
      {
        method: 'GET',
        rawUrl: `/api/blueberry/environments/eu/pr-1/history?limit=5&cursor=${revision}`,
        authorization: 'Bearer user-token',
      },
      {
        method: 'POST',
        rawUrl: '/api/blueberry/environments/eu/pr-1/rollback',
        authorization: 'Bearer user-token',
        contentType: 'application/json',
        body: JSON.stringify({ revision }),
      },
    ]);
  });

  it('turns an error response into a ResponseError carrying the backend error', async () => {
    backend = await startBackend(() => ({
      status: 403,
      body: {
        error: { name: 'NotAllowedError', message: 'not allowed to sync' },
        request: { method: 'POST', url: '/sync' },
        response: { statusCode: 403 },
      },
    }));
    const error = await clientFor(backend.baseUrl)
      .syncEnvironment({ instance: 'eu', name: 'pr-1' })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
    expect(error.body.error.name).toBe('NotAllowedError');
    expect(error.body.error.message).toBe('not allowed to sync');
    expect(error.message).toMatch(/403/);
  });

  it('fails on a missing environment with a 404 ResponseError', async () => {
    backend = await startBackend(() => ({
      status: 404,
      body: {
        error: { name: 'NotFoundError', message: 'no environment pr-9' },
        request: { method: 'GET', url: '/' },
        response: { statusCode: 404 },
      },
    }));
    await expect(
      clientFor(backend.baseUrl).getEnvironment({
        instance: 'eu',
        name: 'pr-9',
      }),
    ).rejects.toMatchObject({ name: 'ResponseError', statusCode: 404 });
  });
});
