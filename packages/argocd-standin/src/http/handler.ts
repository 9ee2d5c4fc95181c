import type { IncomingMessage, ServerResponse } from 'node:http';
import { BoundedMap, sleep } from '@blueberry-idp/plugin-blueberry-common';
import { Knobs, updateKnobs } from '../knobs';
import { ARGOCD_NAMESPACE } from '../model/ApplicationRecord';
import { ApplicationStore, StoredApplication } from '../model/ApplicationStore';
import { managedResources, resourceTree } from '../model/tree';
import { OperationInProgressError, Reconciler } from '../Reconciler';
import { AUTH_MESSAGES, TokenRegistry, requestToken } from './auth';
import { httpErrorText, sendError } from './errors';
import { parseFields, pickFields } from './fields';
import { SelectorError, parseSelector } from './selector';
import { RequestStats } from './stats';
import { serveWatch } from './watch';

export interface HandlerContext {
  store: ApplicationStore;
  reconciler: Reconciler;
  knobs: Knobs;
  stats: RequestStats;
  tokens: TokenRegistry;
  keepaliveMs: number;
  adminToken?: string;
  username: string;
  password: string;
  sessionTtlMs: number;
  version: string;
}

type Handler = (
  ctx: HandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  params: string[],
) => void | Promise<void>;

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  auth: boolean;
  handler: Handler;
}

const NAME = '([^/]+)';

function route(
  method: string,
  template: string,
  auth: boolean,
  handler: Handler,
): Route {
  const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, NAME)}$`);
  return { method, template, pattern, auth, handler };
}

const ROUTES: Route[] = [
  route('GET', '/api/version', false, getVersion),
  route('POST', '/api/v1/session', false, createSession),
  route('DELETE', '/api/v1/session', true, deleteSession),
  route('GET', '/api/v1/applications', true, listApplications),
  route('GET', '/api/v1/applications/{name}', true, getApplication),
  route(
    'GET',
    '/api/v1/applications/{applicationName}/resource-tree',
    true,
    getResourceTree,
  ),
  route(
    'GET',
    '/api/v1/applications/{applicationName}/managed-resources',
    true,
    getManagedResources,
  ),
  route('POST', '/api/v1/applications/{name}/sync', true, syncApplication),
  route('GET', '/api/v1/stream/applications', true, watchApplications),
];

/** The stand-in's request handler: faults first (the knobs), then Argo CD's routes, then admin. */
export function createHandler(ctx: HandlerContext) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://standin.invalid');
    try {
      if (url.pathname.startsWith('/admin/')) {
        await handleAdmin(ctx, req, res, url);
        return;
      }
      const match = matchRoute(req.method ?? 'GET', url.pathname);
      if (!match) {
        ctx.stats.count(`${req.method} (unmatched)`);
        sendError(res, 404, `Not Found: ${req.method} ${url.pathname}`);
        return;
      }
      const { route: r, params } = match;
      ctx.stats.count(`${r.method} ${r.template}`);
      if (await injectFault(ctx, res)) return;
      ctx.reconciler.applyDrift();
      if (r.auth) {
        const check = ctx.tokens.check(
          requestToken(req),
          ctx.knobs.tokenExpired,
        );
        if (check !== 'valid') {
          sendError(res, 401, AUTH_MESSAGES[check], 16);
          return;
        }
      }
      await r.handler(ctx, req, res, url, params);
    } catch (error) {
      if (!res.headersSent) sendError(res, 500, (error as Error).message);
      else res.destroy();
    }
  };
}

function matchRoute(method: string, pathname: string) {
  for (const r of ROUTES) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(pathname);
    if (m) {
      try {
        return { route: r, params: m.slice(1).map(decodeURIComponent) };
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Latency, error rate, error bursts: what a busy or broken Argo CD does to its clients. */
async function injectFault(
  ctx: HandlerContext,
  res: ServerResponse,
): Promise<boolean> {
  const { knobs } = ctx;
  if (knobs.latencyMs > 0) await sleep(knobs.latencyMs);
  if (knobs.errorBurst > 0) {
    knobs.errorBurst -= 1;
    sendError(res, knobs.errorStatus, httpErrorText(knobs.errorStatus));
    return true;
  }
  if (knobs.errorRate > 0 && Math.random() < knobs.errorRate) {
    sendError(res, knobs.errorStatus, httpErrorText(knobs.errorStatus));
    return true;
  }
  return false;
}

/** Sends a JSON body, cut in half while the malformed-bodies knob counts down. */
function sendJson(
  ctx: HandlerContext,
  res: ServerResponse,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  let out = body;
  if (ctx.knobs.malformedBodies > 0) {
    ctx.knobs.malformedBodies -= 1;
    out = body.slice(0, Math.floor(body.length / 2));
  }
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(out),
    ...headers,
  });
  res.end(out);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  return JSON.parse(text);
}

function getVersion(
  ctx: HandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  // Like Argo CD, anonymous callers learn only the version; authenticated ones the build details.
  const authenticated =
    ctx.tokens.check(requestToken(req), ctx.knobs.tokenExpired) === 'valid';
  const body = authenticated
    ? {
        Version: ctx.version,
        BuildDate: '2026-08-22T00:00:00Z',
        GitCommit: '37ee0097cf851bc2dd7665fc081bbce61a7e836e',
        GitTreeState: 'clean',
        GoVersion: 'go1.24.6',
        Compiler: 'gc',
        Platform: 'linux/amd64',
        KustomizeVersion: 'v5.7.1',
        HelmVersion: 'v3.18.4',
        KubectlVersion: 'v0.34.0',
        JsonnetVersion: 'v0.21.0',
        ExtraBuildInfo:
          'Blueberry Argo CD stand-in (a test double, not Argo CD)',
      }
    : { Version: ctx.version };
  sendJson(ctx, res, JSON.stringify(body));
}

async function createSession(
  ctx: HandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
) {
  let body: any;
  try {
    body = await readBody(req);
  } catch {
    sendError(res, 400, 'invalid JSON body');
    return;
  }
  if (body?.username !== ctx.username || body?.password !== ctx.password) {
    sendError(res, 401, 'Invalid username or password', 16);
    return;
  }
  const token = ctx.tokens.issue(ctx.sessionTtlMs);
  sendJson(ctx, res, JSON.stringify({ token }), {
    'Set-Cookie': `argocd.token=${token}; path=/; SameSite=lax; httpOnly`,
  });
}

function deleteSession(
  ctx: HandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const token = requestToken(req);
  if (token && token.startsWith('standin.')) ctx.tokens.revoke(token);
  sendJson(ctx, res, JSON.stringify({ token: '' }), {
    'Set-Cookie': 'argocd.token=; path=/; Max-Age=0',
  });
}

/** Name, selector, projects and appNamespace, as list and watch filter by them. */
function applicationFilter(url: URL): (stored: StoredApplication) => boolean {
  const selector = parseSelector(url.searchParams.get('selector'));
  const name = url.searchParams.get('name') || undefined;
  const projects = [
    ...url.searchParams.getAll('projects'),
    ...url.searchParams.getAll('project'),
  ]
    .flatMap(p => p.split(','))
    .filter(Boolean);
  const appNamespace = url.searchParams.get('appNamespace') || undefined;
  return stored =>
    (!name || stored.name === name) &&
    (!appNamespace || appNamespace === ARGOCD_NAMESPACE) &&
    (projects.length === 0 || projects.includes(stored.project)) &&
    selector(stored.labels);
}

function byName(a: StoredApplication, b: StoredApplication): number {
  if (a.name === b.name) return 0;
  return a.name < b.name ? -1 : 1;
}

/**
 * List bodies by query, valid while the store's resource version stays the same: a dashboard asking
 * for the same 5,000 Applications again gets the bytes it got last time, without re-rendering them.
 */
const LIST_CACHE_SIZE = 16;
const listCache = new WeakMap<
  ApplicationStore,
  BoundedMap<string, { version: number; body: Buffer }>
>();

function listApplications(
  ctx: HandlerContext,
  _req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) {
  const cache =
    listCache.get(ctx.store) ??
    new BoundedMap<string, { version: number; body: Buffer }>(LIST_CACHE_SIZE);
  listCache.set(ctx.store, cache);
  const key = url.search;
  const cached = cache.get(key);
  if (cached && cached.version === ctx.store.resourceVersion) {
    sendJson(ctx, res, cached.body);
    return;
  }
  let matches: (stored: StoredApplication) => boolean;
  try {
    matches = applicationFilter(url);
  } catch (error) {
    if (error instanceof SelectorError) {
      sendError(res, 400, error.message);
      return;
    }
    throw error;
  }
  const items = ctx.store.list().filter(matches).sort(byName);
  const resourceVersion = String(ctx.store.resourceVersion);
  const fields = parseFields(url.searchParams.getAll('fields'));
  let body: string;
  if (fields) {
    const list = {
      items: items.map(s => s.listObject()),
      metadata: { resourceVersion },
    };
    body = JSON.stringify(pickFields(list, fields));
  } else {
    // Each Application's JSON is rendered once per version and reused, so big lists stay cheap.
    body = `{"items":[${items
      .map(s => s.listJson())
      .join(',')}],"metadata":{"resourceVersion":"${resourceVersion}"}}`;
  }
  const buffer = Buffer.from(body);
  cache.set(key, { version: ctx.store.resourceVersion, body: buffer });
  sendJson(ctx, res, buffer);
}

function notFound(res: ServerResponse, name: string) {
  sendError(res, 404, `applications.argoproj.io "${name}" not found`);
}

function wrongNamespace(url: URL): boolean {
  const ns = url.searchParams.get('appNamespace');
  return Boolean(ns && ns !== ARGOCD_NAMESPACE);
}

async function getApplication(
  ctx: HandlerContext,
  _req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  [name]: string[],
) {
  const refresh = url.searchParams.get('refresh');
  if (refresh === 'normal' || refresh === 'hard')
    await ctx.reconciler.refresh(name);
  const stored = ctx.store.get(name);
  if (!stored || wrongNamespace(url)) {
    notFound(res, name);
    return;
  }
  sendJson(ctx, res, stored.json());
}

function getResourceTree(
  ctx: HandlerContext,
  _req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  [name]: string[],
) {
  const record = ctx.reconciler.get(name);
  if (!record || !ctx.store.get(name) || wrongNamespace(url)) {
    notFound(res, name);
    return;
  }
  sendJson(
    ctx,
    res,
    JSON.stringify(resourceTree(record, ctx.knobs.withholdIngressAddresses)),
  );
}

function getManagedResources(
  ctx: HandlerContext,
  _req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  [name]: string[],
) {
  const record = ctx.reconciler.get(name);
  if (!record || !ctx.store.get(name) || wrongNamespace(url)) {
    notFound(res, name);
    return;
  }
  const filters = ['namespace', 'name', 'version', 'group', 'kind'] as const;
  const items = managedResources(record).filter(item =>
    filters.every(f => {
      const wanted = url.searchParams.get(f);
      if (!wanted || f === 'version') return true;
      return (item as unknown as Record<string, unknown>)[f] === wanted;
    }),
  );
  sendJson(ctx, res, JSON.stringify({ items }));
}

async function syncApplication(
  ctx: HandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  [name]: string[],
) {
  try {
    await readBody(req);
  } catch {
    sendError(res, 400, 'invalid JSON body');
    return;
  }
  if (!ctx.store.get(name) || wrongNamespace(url)) {
    notFound(res, name);
    return;
  }
  try {
    ctx.reconciler.sync(name, { username: ctx.username });
  } catch (error) {
    if (error instanceof OperationInProgressError) {
      sendError(res, 400, error.message, 9); // FailedPrecondition
      return;
    }
    throw error;
  }
  sendJson(ctx, res, ctx.store.get(name)!.json());
}

function watchApplications(
  ctx: HandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) {
  let matches: (stored: StoredApplication) => boolean;
  try {
    matches = applicationFilter(url);
  } catch (error) {
    if (error instanceof SelectorError) {
      sendError(res, 400, error.message);
      return;
    }
    throw error;
  }
  const rv = url.searchParams.get('resourceVersion');
  const resourceVersion = rv && /^\d+$/.test(rv) ? Number(rv) : undefined;
  serveWatch(req, res, ctx.store, ctx.knobs, {
    matches,
    fields: parseFields(url.searchParams.getAll('fields')),
    resourceVersion,
    sse: (req.headers.accept ?? '').includes('text/event-stream'),
    keepaliveMs: ctx.keepaliveMs,
  });
}

function isLoopback(req: IncomingMessage): boolean {
  const address = req.socket.remoteAddress ?? '';
  return (
    address === '127.0.0.1' ||
    address === '::1' ||
    address === '::ffff:127.0.0.1'
  );
}

/**
 * `/admin/*`: knobs and stats. With an admin token configured it needs `Authorization: Bearer
 * <adminToken>`; without one it answers loopback callers only.
 */
async function handleAdmin(
  ctx: HandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) {
  const allowed = ctx.adminToken
    ? req.headers.authorization === `Bearer ${ctx.adminToken}`
    : isLoopback(req);
  if (!allowed) {
    sendError(
      res,
      403,
      'admin endpoints need the admin token (or a loopback caller)',
    );
    return;
  }
  const json = (body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
  };
  const key = `${req.method} ${url.pathname}`;
  if (key === 'GET /admin/knobs') {
    json(ctx.knobs);
  } else if (key === 'POST /admin/knobs') {
    try {
      updateKnobs(ctx.knobs, await readBody(req));
      json(ctx.knobs);
    } catch (error) {
      sendError(res, 400, (error as Error).message);
    }
  } else if (key === 'GET /admin/stats') {
    json(ctx.stats);
  } else if (key === 'POST /admin/stats/reset') {
    ctx.stats.reset();
    json(ctx.stats);
  } else {
    sendError(res, 404, `Not Found: ${key}`);
  }
}
