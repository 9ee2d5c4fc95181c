import type { LoggerService } from '@backstage/backend-plugin-api';
import { BLUEBERRY_LABELS } from '@blueberry-idp/plugin-blueberry-common';
import { sleep } from '@blueberry-idp/plugin-blueberry-common';
import { backoffDelay } from '../argocd/backoff';
import type { ArgoCdClient } from '../argocd/ArgoCdClient';
import { ArgoCdAuthError, ArgoCdError } from '../argocd/errors';
import type {
  ArgoApplication,
  ArgoApplicationWatchEvent,
} from '../argocd/types';
import {
  compactApplication,
  lacksResourceHealth,
  LIST_FIELDS,
} from './compactApplication';
import type { EntityLink } from './entityLinks';
import { EnvironmentIndex, LinkedEnvironments } from './EnvironmentIndex';

/** One cached Application and a memo of what was derived from it, dropped when it changes. */
export interface CachedApplication {
  readonly application: ArgoApplication;
  /** When Argo CD last sent it. */
  readonly receivedAt: number;
  /** Memo slot for derived values (the built environment), valid as long as the entry lives. */
  memo?: unknown;
}

/** A change to one Application: before and after (absent when it appeared or went). */
export interface ApplicationChange {
  before?: ArgoApplication;
  after?: ArgoApplication;
}

export interface InstanceProblem {
  message: string;
  /** `auth`: Argo CD refused the token, a configuration problem; `unreachable`: anything else. */
  kind: 'auth' | 'unreachable';
  since: number;
}

export interface InstanceWatcherOptions {
  client: ArgoCdClient;
  /** Label selector of the Applications to watch. */
  selector: string;
  logger: LoggerService;
  onChanges: (changes: ApplicationChange[]) => void;
  /** Called when the instance goes away or comes back (every environment's `stale` flips). */
  onConnectionChange: (connected: boolean) => void;
}

/** Reconnect backoff; the auth ones are long because a wrong token stays wrong until fixed. */
const BACKOFF = {
  baseMs: 500,
  capMs: 30_000,
  authBaseMs: 30_000,
  authCapMs: 300_000,
};

/**
 * The state cache of one Argo CD instance: one initial list (trimmed with `fields`), then one watch
 * stream, reconnecting with backoff and resuming from the last resourceVersion so no change is
 * missed. Answers come from memory; a page view costs Argo CD nothing. An index from each entity's
 * link to its environments says which answers a change touches.
 */
export class InstanceWatcher {
  readonly instance: string;
  readonly #client: ArgoCdClient;
  readonly #selector: string;
  readonly #logger: LoggerService;
  readonly #onChanges: InstanceWatcherOptions['onChanges'];
  readonly #onConnectionChange: InstanceWatcherOptions['onConnectionChange'];
  readonly #abort = new AbortController();
  readonly #index = new EnvironmentIndex();

  #apps = new Map<string, CachedApplication>();
  /** The root (app-of-apps) Applications by name, in the order they arrived. */
  #roots = new Set<string>();
  /** Moves on with what every answer from this instance shows: readiness, connection, problem, root. */
  #generation = 0;
  #listed = false;
  #needsList = true;
  #resumeFrom: string | undefined;
  #connected = false;
  #disconnectedAt = Date.now();
  #problem: InstanceProblem | undefined;
  #running: Promise<void> | undefined;
  #readyWaiters: Array<() => void> = [];
  /** Failed connection attempts since the stream was last open, for the backoff. */
  #attempt = 0;

  constructor(options: InstanceWatcherOptions) {
    this.instance = options.client.name;
    this.#client = options.client;
    this.#selector = options.selector;
    this.#logger = options.logger.child({ instance: options.client.name });
    this.#onChanges = options.onChanges;
    this.#onConnectionChange = options.onConnectionChange;
  }

  start(): void {
    this.#running ??= this.#run().catch(error => {
      // #run handles every Argo CD failure itself; this is a last guard against a programming error.
      this.#logger.error(
        `Watch loop of Argo CD instance ${this.instance} stopped`,
        error,
      );
    });
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    this.#releaseWaiters();
    await this.#running;
  }

  /** The cached Applications, by name. */
  get applications(): ReadonlyMap<string, CachedApplication> {
    return this.#apps;
  }

  /** True once the first list arrived (there is something to serve, current or stale). */
  get ready(): boolean {
    return this.#listed;
  }

  /** True while the stream is open: the cache is current. */
  get connected(): boolean {
    return this.#connected;
  }

  /** When the cache was last known current: now while connected, else when the stream was lost. */
  get observedAt(): number {
    return this.#connected ? Date.now() : this.#disconnectedAt;
  }

  get problem(): InstanceProblem | undefined {
    return this.#problem;
  }

  /** The root (app-of-apps) Application shown above the environments, if the watch has one. */
  get root(): ArgoApplication | undefined {
    const [first] = this.#roots;
    return first === undefined ? undefined : this.#apps.get(first)?.application;
  }

  /**
   * Moves on when something every answer from this instance shows changes: the first list, the
   * connection, the problem reported, the root Application.
   */
  get generation(): number {
    return this.#generation;
  }

  /** The environments `link` matches here, from the index; their version moves when one changes. */
  linked(link: EntityLink): LinkedEnvironments {
    return this.#index.linked(link, this.#apps);
  }

  /** Waits until the first list arrived, the watcher stopped or `timeoutMs` passed. */
  async whenReady(timeoutMs: number): Promise<void> {
    // An instance known to fail is reported at once rather than holding every page view up.
    if (this.#listed || this.#problem || this.#abort.signal.aborted) return;
    await new Promise<void>(resolve => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const done = () => {
        clearTimeout(timer);
        this.#readyWaiters = this.#readyWaiters.filter(w => w !== done);
        resolve();
      };
      timer = setTimeout(done, timeoutMs);
      this.#readyWaiters.push(done);
    });
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      let askedWaitMs = 0;
      try {
        if (this.#needsList) await this.#list();
        await this.#client.watchApplications({
          selector: this.#selector,
          resourceVersion: this.#resumeFrom,
          signal,
          onOpen: () => {
            this.#attempt = 0;
            this.#recovered();
            this.#setConnected(true);
          },
          onEvent: event => this.#apply(event),
        });
      } catch (error) {
        this.#failed(error);
        if (error instanceof ArgoCdError)
          askedWaitMs = (error.retryAfterSeconds ?? 0) * 1000;
      }
      this.#setConnected(false);
      if (signal.aborted) break;
      const auth = this.#problem?.kind === 'auth';
      // Argo CD's Retry-After (429, 503) is a floor under our own backoff.
      const delay = Math.max(
        askedWaitMs,
        backoffDelay(this.#attempt, {
          baseMs: auth ? BACKOFF.authBaseMs : BACKOFF.baseMs,
          capMs: auth ? BACKOFF.authCapMs : BACKOFF.capMs,
        }),
      );
      this.#attempt += 1;
      await sleep(delay, signal);
    }
  }

  async #list(): Promise<void> {
    const list = await this.#client.listApplications({
      selector: this.#selector,
      fields: LIST_FIELDS,
    });
    const now = Date.now();
    const next = new Map<string, CachedApplication>();
    const changes: ApplicationChange[] = [];
    let healthMissing = false;
    for (const item of list.items ?? []) {
      const name = item.metadata?.name;
      if (!name) continue;
      const after = compactApplication(item);
      healthMissing ||= lacksResourceHealth(after);
      const previous = this.#apps.get(name);
      if (previous && sameVersion(previous.application, after)) {
        next.set(name, previous);
        continue;
      }
      next.set(name, { application: after, receivedAt: now });
      changes.push({ before: previous?.application, after });
    }
    for (const [name, previous] of this.#apps) {
      if (!next.has(name)) changes.push({ before: previous.application });
    }
    this.#apps = next;
    for (const change of changes) this.#indexChange(change);
    this.#needsList = false;
    // Argo CD 3.x lists lack per-resource health, but the stream's first answer without a
    // resourceVersion re-sends every Application with it; otherwise resume right after the list.
    this.#resumeFrom = healthMissing
      ? undefined
      : list.metadata?.resourceVersion;
    if (!this.#listed) {
      this.#listed = true;
      this.#generation += 1;
      this.#logger.info(
        `Loaded ${next.size} Applications from Argo CD instance ${this.instance}`,
      );
      this.#releaseWaiters();
    }
    if (changes.length) this.#onChanges(changes);
  }

  #apply(event: ArgoApplicationWatchEvent): void {
    const name = event.application.metadata?.name;
    if (!name) return;
    const version = event.application.metadata?.resourceVersion;
    if (version) this.#resumeFrom = version;
    const previous = this.#apps.get(name);
    if (event.type === 'DELETED') {
      if (!previous) return;
      this.#apps.delete(name);
      this.#indexChange({ before: previous.application });
      this.#onChanges([{ before: previous.application }]);
      return;
    }
    const after = compactApplication(event.application);
    if (
      previous &&
      sameVersion(previous.application, after) &&
      !lacksHealthOnly(previous, after)
    ) {
      return;
    }
    this.#apps.set(name, { application: after, receivedAt: Date.now() });
    this.#indexChange({ before: previous?.application, after });
    this.#onChanges([{ before: previous?.application, after }]);
  }

  /** Tells the index, and every answer when the change is to a root, what changed. */
  #indexChange({ before, after }: ApplicationChange): void {
    const name = (after ?? before)?.metadata?.name;
    if (!name) return;
    this.#index.changed(name, after);
    if (after && isRoot(after)) {
      this.#roots.add(name);
      this.#generation += 1;
    } else if (this.#roots.delete(name)) {
      this.#generation += 1;
    }
  }

  #failed(error: unknown): void {
    if (this.#abort.signal.aborted) return;
    const auth = error instanceof ArgoCdAuthError;
    const message = error instanceof Error ? error.message : String(error);
    // A resourceVersion no longer served (HTTP 410 Gone, the stream's error frame's http_code):
    // start over from a fresh list. Decided on the code only: Argo CD's own Watch never answers
    // 410 for an old resourceVersion (it skips Applications older than it), so a 410 comes from
    // a proxy or API in front, whose wording is nobody's contract.
    if (error instanceof ArgoCdError && error.status === 410) {
      this.#needsList = true;
    }
    if (this.#problem?.message !== message) {
      this.#generation += 1;
      this.#logger.warn(
        auth
          ? `${message}; retrying slowly, serving the last known state`
          : `${message}; reconnecting with backoff, serving the last known state`,
      );
    }
    this.#problem = {
      message,
      kind: auth ? 'auth' : 'unreachable',
      since: this.#problem?.since ?? Date.now(),
    };
    // Requests waiting for the first list get the problem now instead of waiting it out.
    this.#releaseWaiters();
  }

  #recovered(): void {
    if (this.#problem) {
      this.#generation += 1;
      this.#logger.info(`Argo CD instance ${this.instance} is reachable again`);
    }
    this.#problem = undefined;
  }

  #setConnected(connected: boolean): void {
    if (this.#connected === connected) return;
    this.#connected = connected;
    this.#generation += 1;
    if (!connected) this.#disconnectedAt = Date.now();
    this.#onConnectionChange(connected);
  }

  #releaseWaiters(): void {
    const waiters = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const waiter of waiters) waiter();
  }
}

function isRoot(app: ArgoApplication): boolean {
  return app.metadata?.labels?.[BLUEBERRY_LABELS.role] === 'root';
}

function sameVersion(a: ArgoApplication, b: ArgoApplication): boolean {
  const va = a.metadata?.resourceVersion;
  return va !== undefined && va === b.metadata?.resourceVersion;
}

/** The stream re-sends a listed Application with the per-resource health the 3.x list lacked. */
function lacksHealthOnly(
  previous: CachedApplication,
  after: ArgoApplication,
): boolean {
  return (
    lacksResourceHealth(previous.application) && !lacksResourceHealth(after)
  );
}
