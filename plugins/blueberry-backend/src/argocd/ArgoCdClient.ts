import { sleep } from '@blueberry-idp/plugin-blueberry-common';
import { backoffDelay } from './backoff';
import {
  ArgoCdAuthError,
  ArgoCdError,
  ArgoCdNotFoundError,
  ArgoCdUnreachableError,
  parseRetryAfter,
} from './errors';
import { StreamMessageSplitter } from './eventStream';
import { createTransport, readBody, Transport } from './http';
import type {
  ArgoApplication,
  ArgoApplicationList,
  ArgoApplicationTree,
  ArgoApplicationWatchEvent,
  ArgoResourceDiff,
} from './types';

/** How to reach one Argo CD instance. */
export interface ArgoCdClientOptions {
  /** The instance's name in Blueberry's config, used in messages. */
  name: string;
  /** Base URL of Argo CD's API server, e.g. `https://argocd.example.com` (a path prefix is kept). */
  url: string;
  /** Argo CD API token (bearer). Never put in a message or log line. */
  token: string;
  /** PEM bundle of extra certificate authorities. */
  caBundle?: string;
  /** Timeout of one request in milliseconds (idle time for the watch stream is separate). */
  requestTimeoutMs?: number;
  /** Retries of a failed read (not of sync); 0 disables. */
  readRetries?: number;
  /** Abort the watch when nothing (not even a keepalive) arrives for this long. */
  streamIdleTimeoutMs?: number;
  /** Namespace of the Applications when Argo CD runs with "apps in any namespace". */
  appNamespace?: string;
  /** Bounds the size of one answer, so memory stays bounded whatever Argo CD sends. */
  maxResponseBytes?: number;
}

export interface WatchOptions {
  selector?: string;
  /** Resume after this resourceVersion: Argo CD then sends only what changed since. */
  resourceVersion?: string;
  signal: AbortSignal;
  /** Called once Argo CD accepted the stream (HTTP 200). */
  onOpen?: () => void;
  onEvent: (event: ArgoApplicationWatchEvent) => void;
}

const API = '/api/v1';
/** The longest a read waits between attempts, Argo CD's Retry-After included. */
const READ_RETRY_CAP_MS = 2_000;

/**
 * A small Argo CD REST client. Every method builds its path from a fixed template with each
 * parameter encoded, so no caller can make it call a path or method of its choosing. Reads retry with
 * backoff and jitter; writes do not. It imports nothing from Backstage.
 */
export class ArgoCdClient {
  readonly name: string;
  readonly #base: URL;
  readonly #token: string;
  readonly #send: Transport;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #idleMs: number;
  readonly #appNamespace?: string;
  readonly #maxBytes: number;

  constructor(options: ArgoCdClientOptions, transport?: Transport) {
    this.name = options.name;
    this.#base = new URL(
      options.url.endsWith('/') ? options.url : `${options.url}/`,
    );
    if (this.#base.protocol !== 'http:' && this.#base.protocol !== 'https:') {
      throw new Error(
        `Argo CD instance '${options.name}' needs an http(s) URL`,
      );
    }
    this.#token = options.token;
    this.#send = transport ?? createTransport({ caBundle: options.caBundle });
    this.#timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#retries = options.readRetries ?? 2;
    this.#idleMs = options.streamIdleTimeoutMs ?? 45_000;
    this.#appNamespace = options.appNamespace;
    this.#maxBytes = options.maxResponseBytes ?? 128 * 1024 * 1024;
  }

  /** `GET /api/v1/applications`, optionally trimmed with `fields`. */
  async listApplications(query: {
    selector?: string;
    fields?: string[];
  }): Promise<ArgoApplicationList> {
    const list = await this.#read<ArgoApplicationList>(
      `${API}/applications`,
      {
        selector: query.selector,
        fields: query.fields?.join(','),
        appNamespace: this.#appNamespace,
      },
      'application list',
    );
    return { metadata: list.metadata, items: list.items ?? [] };
  }

  /** `GET /api/v1/applications/{name}`; `refresh` asks Argo CD to compare with Git again. */
  getApplication(
    name: string,
    options: { refresh?: 'normal' | 'hard' } = {},
  ): Promise<ArgoApplication> {
    return this.#read<ArgoApplication>(
      `${API}/applications/${encodeURIComponent(name)}`,
      {
        refresh: options.refresh,
        appNamespace: this.#appNamespace,
      },
      `application '${name}'`,
    );
  }

  /** `GET /api/v1/applications/{name}/resource-tree`: the live objects, pods included. */
  async getResourceTree(name: string): Promise<ArgoApplicationTree> {
    const tree = await this.#read<ArgoApplicationTree>(
      `${API}/applications/${encodeURIComponent(name)}/resource-tree`,
      { appNamespace: this.#appNamespace },
      `resource tree of '${name}'`,
    );
    return { nodes: tree.nodes ?? [] };
  }

  /** `GET /api/v1/applications/{name}/managed-resources`: target and live state of each resource. */
  async getManagedResources(name: string): Promise<ArgoResourceDiff[]> {
    const answer = await this.#read<{ items?: ArgoResourceDiff[] | null }>(
      `${API}/applications/${encodeURIComponent(name)}/managed-resources`,
      { appNamespace: this.#appNamespace },
      `managed resources of '${name}'`,
    );
    return answer.items ?? [];
  }

  /** `POST /api/v1/applications/{name}/sync`. Not retried: a sync is an action. */
  async syncApplication(
    name: string,
    options: { prune?: boolean } = {},
  ): Promise<ArgoApplication> {
    const body: Record<string, unknown> = {
      name,
      prune: options.prune ?? true,
    };
    if (this.#appNamespace) body.appNamespace = this.#appNamespace;
    return this.#call<ArgoApplication>(
      'POST',
      `${API}/applications/${encodeURIComponent(name)}/sync`,
      {},
      `application '${name}'`,
      JSON.stringify(body),
    );
  }

  /**
   * `GET /api/v1/stream/applications` as server-sent events. Resolves when Argo CD ends the stream,
   * rejects with an ArgoCdError when it cannot be opened or breaks, and resolves quietly on abort.
   */
  async watchApplications(options: WatchOptions): Promise<void> {
    // The request gets a signal of its own: opening the stream is bounded like any request, and once
    // open only by its idle time; the caller's signal ends it at any point.
    if (options.signal.aborted) return;
    const request = new AbortController();
    const abort = () => request.abort();
    options.signal.addEventListener('abort', abort);
    try {
      await this.#watch(options, request);
    } finally {
      options.signal.removeEventListener('abort', abort);
    }
  }

  async #watch(options: WatchOptions, request: AbortController): Promise<void> {
    const url = this.#url(`${API}/stream/applications`, {
      selector: options.selector,
      resourceVersion: options.resourceVersion,
      appNamespace: this.#appNamespace,
    });
    const openTimer = setTimeout(() => request.abort(), this.#timeoutMs);
    let res;
    try {
      res = await this.#send({
        method: 'GET',
        url,
        headers: { ...this.#headers(), Accept: 'text/event-stream' },
        timeoutMs: this.#idleMs,
        signal: request.signal,
      });
    } catch (error) {
      if (options.signal.aborted) return;
      throw new ArgoCdUnreachableError(
        this.name,
        request.signal.aborted
          ? `the stream did not open within ${this.#timeoutMs} ms`
          : describe(error),
      );
    } finally {
      clearTimeout(openTimer);
    }
    if (res.status !== 200) {
      const text = await readBody(res.body, 64 * 1024).catch(() => '');
      throw this.#statusError(
        res.status,
        text,
        'application stream',
        res.retryAfter,
      );
    }
    options.onOpen?.();
    const splitter = new StreamMessageSplitter({
      sse: res.contentType.includes('text/event-stream'),
      maxMessageBytes: this.#maxBytes,
    });
    res.body.setEncoding('utf8');
    try {
      for await (const chunk of res.body) {
        for (const message of splitter.push(chunk as string)) {
          const parsed = parseJson(message) as
            | {
                result?: ArgoApplicationWatchEvent;
                error?: { message?: string; http_code?: number };
              }
            | undefined;
          if (parsed?.error) {
            throw new ArgoCdError(
              this.name,
              `Argo CD instance '${this.name}' ended the stream: ${
                parsed.error.message ?? 'unknown error'
              }`,
              parsed.error.http_code,
            );
          }
          const event = parsed?.result;
          if (event?.type && event.application) options.onEvent(event);
        }
      }
    } catch (error) {
      res.body.destroy();
      if (options.signal.aborted) return;
      if (error instanceof ArgoCdError) throw error;
      throw new ArgoCdUnreachableError(
        this.name,
        `stream broke: ${describe(error)}`,
      );
    }
    if (!res.body.complete && !options.signal.aborted) {
      throw new ArgoCdUnreachableError(
        this.name,
        'stream broke: connection closed mid-response',
      );
    }
  }

  async #read<T>(path: string, query: Query, what: string): Promise<T> {
    let attempt = 0;
    for (;;) {
      try {
        return await this.#call<T>('GET', path, query, what);
      } catch (error) {
        const retryable = error instanceof ArgoCdError && error.retryable;
        if (!retryable || attempt >= this.#retries) throw error;
        // A read waits for Argo CD's Retry-After only when it is short: a page view should not hang.
        const askedMs = (error.retryAfterSeconds ?? 0) * 1000;
        if (askedMs > READ_RETRY_CAP_MS) throw error;
        await sleep(
          Math.max(
            askedMs,
            backoffDelay(attempt, { baseMs: 200, capMs: READ_RETRY_CAP_MS }),
          ),
        );
        attempt += 1;
      }
    }
  }

  async #call<T>(
    method: 'GET' | 'POST',
    path: string,
    query: Query,
    what: string,
    body?: string,
  ): Promise<T> {
    const headers: Record<string, string> = {
      ...this.#headers(),
      Accept: 'application/json',
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let text: string;
    let status: number;
    let retryAfter: string | undefined;
    try {
      const res = await this.#send({
        method,
        url: this.#url(path, query),
        headers,
        body,
        timeoutMs: this.#timeoutMs,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      status = res.status;
      retryAfter = res.retryAfter;
      text = await readBody(res.body, this.#maxBytes);
    } catch (error) {
      throw new ArgoCdUnreachableError(this.name, describe(error));
    }
    if (status < 200 || status >= 300)
      throw this.#statusError(status, text, what, retryAfter);
    const parsed = parseJson(text);
    if (parsed === undefined) {
      throw new ArgoCdError(
        this.name,
        `Argo CD instance '${this.name}' sent a body that is not JSON`,
        status,
      );
    }
    return parsed as T;
  }

  #statusError(
    status: number,
    text: string,
    what: string,
    retryAfter?: string,
  ): ArgoCdError {
    if (status === 401) return new ArgoCdAuthError(this.name, status);
    // Argo CD answers 403 for objects the token may not see as well as for absent ones.
    if (status === 404 || status === 403)
      return new ArgoCdNotFoundError(this.name, what, status);
    const message = (parseJson(text) as { message?: string } | undefined)
      ?.message;
    return new ArgoCdError(
      this.name,
      `Argo CD instance '${this.name}' answered HTTP ${status} for ${what}${
        message ? `: ${message.slice(0, 300)}` : ''
      }`,
      status,
      parseRetryAfter(retryAfter),
    );
  }

  #headers(): Record<string, string> {
    return { Authorization: `Bearer ${this.#token}` };
  }

  #url(path: string, query: Query): URL {
    // Relative to the base so a path prefix (Argo CD's --rootpath) is kept.
    const url = new URL(path.replace(/^\//, ''), this.#base);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') url.searchParams.set(key, value);
    }
    return url;
  }
}

type Query = Record<string, string | undefined>;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    return code && !error.message.includes(code)
      ? `${code} ${error.message}`
      : error.message;
  }
  return String(error);
}
