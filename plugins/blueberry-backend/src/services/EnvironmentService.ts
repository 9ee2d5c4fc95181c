import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  BLUEBERRY_LABELS,
  Environment,
  EnvironmentDriftResponse,
  EnvironmentsResponse,
  InstanceError,
  RootApplicationSummary,
} from '@blueberry-idp/plugin-blueberry-common';
import { ArgoCdClient } from '../argocd/ArgoCdClient';
import { ArgoCdError, ArgoCdNotFoundError } from '../argocd/errors';
import type { ArgoApplication } from '../argocd/types';
import type { ArgoCdInstanceConfig } from '../config';
import type { EntityLink } from './entityLinks';
import { environmentDrift } from './drift/environmentDrift';
import { buildEnvironment, buildRootSummary } from './environmentTree';
import {
  ApplicationChange,
  CachedApplication,
  InstanceWatcher,
} from './InstanceWatcher';
import { ResourceTreeCache } from './ResourceTreeCache';
import { SerializedAnswer } from './SerializedAnswer';

export interface EnvironmentServiceOptions {
  instances: ArgoCdInstanceConfig[];
  /** Label selector of the Applications every watch covers. */
  selector: string;
  logger: LoggerService;
  /** How long a request waits for an instance's first list before reporting it in `errors`. */
  readyTimeoutMs?: number;
  /**
   * How many bytes of prepared answers are kept, each counted as twice its JSON (its gzipped copy
   * is smaller than the JSON); default 64 MiB. An answer larger than this is served, not kept.
   */
  maxAnswerBytes?: number;
  /** Reconnect backoff of the watches (tests shorten it). */
  backoff?: {
    baseMs: number;
    capMs: number;
    authBaseMs: number;
    authCapMs: number;
  };
}

/** Listens to what changes in the watched Applications, for live updates. */
export interface EnvironmentChangeListener {
  changed(instance: string, changes: ApplicationChange[]): void;
  connectionChanged(instance: string, connected: boolean): void;
}

interface Instance {
  config: ArgoCdInstanceConfig;
  client: ArgoCdClient;
  watcher: InstanceWatcher;
  trees: ResourceTreeCache;
  /** Counts the watch's changes and connection changes: a served answer is current while it holds. */
  changes: number;
}

/** How many bytes of serialised answers are kept by default (most recently served last). */
const DEFAULT_MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** A tree someone viewed within this time is fetched again as soon as its Application changes. */
const HOT_TREE_MS = 5 * 60_000;

/**
 * The picture of every environment: one watcher per Argo CD instance, the environment tree built from
 * memory, and the actions (refresh, sync) passed to Argo CD. It knows nothing of HTTP or permissions;
 * the router checks those before calling it.
 */
export class EnvironmentService {
  readonly #instances = new Map<string, Instance>();
  readonly #readyTimeoutMs: number;
  readonly #listeners = new Set<EnvironmentChangeListener>();
  readonly #answers = new Map<string, CachedAnswer>();
  readonly #maxAnswerBytes: number;
  /** The bytes the built answers in #answers hold; an answer still being built counts 0. */
  #answerBytes = 0;

  static create(options: EnvironmentServiceOptions): EnvironmentService {
    return new EnvironmentService(options);
  }

  private constructor(options: EnvironmentServiceOptions) {
    this.#readyTimeoutMs = options.readyTimeoutMs ?? 5_000;
    this.#maxAnswerBytes = options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
    for (const config of options.instances) {
      const client = new ArgoCdClient({
        name: config.name,
        url: config.url,
        token: config.token,
        caBundle: config.caBundle,
        requestTimeoutMs: config.requestTimeoutMs,
        appNamespace: config.appNamespace,
      });
      const trees = new ResourceTreeCache(client);
      const instance = { config, client, trees, changes: 0 } as Instance;
      const watcher = new InstanceWatcher({
        client,
        selector: options.selector,
        logger: options.logger,
        backoff: options.backoff,
        onChanges: changes => {
          instance.changes += 1;
          for (const change of changes) {
            const app = change.after ?? change.before;
            const name = app?.metadata?.name ?? '';
            if (change.after)
              trees.changed(
                name,
                change.after.metadata?.resourceVersion,
                HOT_TREE_MS,
              );
            else trees.removed(name);
          }
          for (const listener of this.#listeners)
            listener.changed(config.name, changes);
        },
        onConnectionChange: connected => {
          instance.changes += 1;
          for (const listener of this.#listeners)
            listener.connectionChanged(config.name, connected);
        },
      });
      instance.watcher = watcher;
      this.#instances.set(config.name, instance);
    }
  }

  /** Starts one watch per instance. */
  start(): void {
    for (const { watcher } of this.#instances.values()) watcher.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#instances.values()].map(i => i.watcher.stop()));
  }

  addListener(listener: EnvironmentChangeListener): void {
    this.#listeners.add(listener);
  }

  get instanceNames(): string[] {
    return [...this.#instances.keys()];
  }

  /**
   * `environmentsFor` as the JSON the router sends, with its entity tag, reused while nothing it
   * depends on has changed: in steady state a page view neither rebuilds, re-serialises nor re-hashes
   * the answer. One build at a time per answer: the views that arrive while it is built (at least
   * once a second, when `observedAt` moves on) wait for it instead of each building their own. `key`
   * names the entity and its link (the annotations it was read from).
   */
  environmentsJsonFor(
    link: EntityLink,
    key: string,
  ): Promise<SerializedAnswer> {
    const version = this.#version(link);
    const cached = this.#answers.get(key);
    if (cached && cached.version === version) {
      // Most recently served last, so the oldest is the first to go.
      this.#answers.delete(key);
      this.#answers.set(key, cached);
      return cached.answer;
    }
    if (cached) this.#forgetAnswer(key, cached);
    const entry: CachedAnswer = {
      version,
      bytes: 0,
      answer: this.environmentsFor(link).then(
        response => new SerializedAnswer(response),
      ),
    };
    this.#answers.set(key, entry);
    const forget = () => this.#forgetAnswer(key, entry);
    // Only an answer built from one unchanged state is reused; a failed build is not kept either.
    entry.answer.then(answer => {
      if (this.#answers.get(key) !== entry) return;
      if (this.#version(link) !== version) {
        forget();
        return;
      }
      entry.bytes = answer.body.length * 2;
      this.#answerBytes += entry.bytes;
      this.#evictAnswers();
    }, forget);
    return entry.answer;
  }

  /** Bytes of prepared answers held now (for tests and stats). */
  get answerCacheBytes(): number {
    return this.#answerBytes;
  }

  #forgetAnswer(key: string, entry: CachedAnswer): void {
    if (this.#answers.get(key) !== entry) return;
    this.#answers.delete(key);
    this.#answerBytes -= entry.bytes;
  }

  /** Drops the least recently served answers until the held bytes fit the bound. */
  #evictAnswers(): void {
    for (const [key, entry] of this.#answers) {
      if (this.#answerBytes <= this.#maxAnswerBytes) return;
      this.#forgetAnswer(key, entry);
    }
  }

  /**
   * What the answer for a link depends on: each linked instance's changes, readiness, errors and, to
   * the second, when it was observed.
   */
  #version(link: EntityLink): string {
    let version = '';
    for (const name of link.instances ?? this.#instances.keys()) {
      const instance = this.#instances.get(name);
      if (!instance) {
        version += `${name}:none|`;
        continue;
      }
      const { watcher } = instance;
      // While connected, observedAt is "now": an answer may say so for up to a second.
      const observed = watcher.connected
        ? `live@${Math.floor(Date.now() / 1000)}`
        : watcher.observedAt;
      version += `${name}:${instance.changes}:${watcher.ready}:${observed}:${
        watcher.problem?.message ?? ''
      }|`;
    }
    return version;
  }

  /** The environments an entity links to, across instances; a failing instance only fills `errors`. */
  async environmentsFor(link: EntityLink): Promise<EnvironmentsResponse> {
    const items: Environment[] = [];
    const errors: InstanceError[] = [];
    const roots = new Map<string, RootApplicationSummary>();
    const withItems = new Set<string>();
    const names = link.instances ?? this.instanceNames;
    for (const name of names) {
      if (!this.#instances.has(name)) {
        errors.push({
          instance: name,
          message: `No Argo CD instance named '${name}' is configured`,
        });
      }
    }
    const instances = names.flatMap(n => this.#instances.get(n) ?? []);
    await Promise.all(
      instances.map(i => i.watcher.whenReady(this.#readyTimeoutMs)),
    );

    for (const instance of instances) {
      const { watcher } = instance;
      const problem = watcher.problem;
      if (problem)
        errors.push({ instance: watcher.instance, message: problem.message });
      if (!watcher.ready) {
        if (!problem) {
          errors.push({
            instance: watcher.instance,
            message: 'Still loading from Argo CD; try again shortly',
          });
        }
        continue;
      }
      const stale = !watcher.connected;
      const observedAt = new Date(watcher.observedAt).toISOString();
      for (const cached of watcher.applications.values()) {
        const app = cached.application;
        if (isRoot(app) && !roots.has(watcher.instance)) {
          roots.set(
            watcher.instance,
            buildRootSummary({
              instance: watcher.instance,
              application: app,
              observedAt,
              stale,
            }),
          );
        }
        if (!link.matches(app)) continue;
        withItems.add(watcher.instance);
        items.push({ ...this.#built(instance, cached), stale, observedAt });
      }
    }
    items.sort(
      (a, b) =>
        a.instance.localeCompare(b.instance) || a.name.localeCompare(b.name),
    );
    // The root shown is the one of the (first) instance that holds the entity's environments.
    const rootInstance = instances
      .map(i => i.watcher.instance)
      .find(n => withItems.has(n) && roots.has(n));
    const root = rootInstance
      ? roots.get(rootInstance)
      : [...roots.values()][0];
    return root ? { root, items, errors } : { items, errors };
  }

  /**
   * The Application of an environment from memory, or undefined when there is none (or no such
   * instance); ServiceUnavailableError while the instance has not loaded and reports a problem.
   */
  findApplication(
    instanceName: string,
    name: string,
  ): ArgoApplication | undefined {
    const instance = this.#instances.get(instanceName);
    if (!instance) return undefined;
    const cached = instance.watcher.applications.get(name);
    if (!cached && !instance.watcher.ready && instance.watcher.problem) {
      throw new ServiceUnavailableError(instance.watcher.problem.message);
    }
    return cached?.application;
  }

  /** The Application of an environment, from memory; NotFoundError when there is none. */
  application(instanceName: string, name: string): ArgoApplication {
    const instance = this.#instance(instanceName);
    const cached = instance.watcher.applications.get(name);
    if (!cached) {
      if (!instance.watcher.ready && instance.watcher.problem) {
        throw new ServiceUnavailableError(instance.watcher.problem.message);
      }
      throw new NotFoundError(
        `No environment '${name}' on Argo CD instance '${instanceName}'`,
      );
    }
    return cached.application;
  }

  /** One environment in full: the resource tree adds replica sets and pods under each resource. */
  async environment(instanceName: string, name: string): Promise<Environment> {
    const instance = this.#instance(instanceName);
    const app = this.application(instanceName, name);
    const { watcher } = instance;
    const stale = !watcher.connected;
    let tree;
    if (!stale) {
      try {
        tree = await instance.trees.get(name, app.metadata?.resourceVersion);
      } catch (error) {
        // The managed resources are still worth showing; the children come with the next view.
        if (!(error instanceof ArgoCdError)) throw error;
      }
    }
    return buildEnvironment(
      {
        instance: instanceName,
        application: app,
        stale,
        observedAt: new Date(watcher.observedAt).toISOString(),
      },
      { uiUrl: instance.config.uiUrl ?? null, tree },
    );
  }

  /**
   * What of the environment differs from Git now (Argo CD's managed resources), read live: the
   * Application kept in memory is compacted, so its sync policy (self-heal) comes from a GET too.
   */
  async drift(
    instanceName: string,
    name: string,
  ): Promise<EnvironmentDriftResponse> {
    const instance = this.#instance(instanceName);
    this.application(instanceName, name);
    try {
      const [application, managed] = await Promise.all([
        instance.client.getApplication(name),
        instance.client.getManagedResources(name),
      ]);
      return environmentDrift(application, managed);
    } catch (error) {
      if (error instanceof ArgoCdNotFoundError)
        throw new NotFoundError(error.message);
      // The cause carries Argo CD's Retry-After, which the router passes on.
      if (error instanceof ArgoCdError)
        throw new ServiceUnavailableError(error.message, error);
      throw error;
    }
  }

  /** Asks Argo CD to compare the environment with Git again; the stream brings the result. */
  async refresh(instanceName: string, name: string): Promise<void> {
    const instance = this.#instance(instanceName);
    this.application(instanceName, name);
    await this.#act(() =>
      instance.client.getApplication(name, { refresh: 'normal' }),
    );
  }

  /** Asks Argo CD to sync the environment now; the stream brings the progress. */
  async sync(instanceName: string, name: string): Promise<void> {
    const instance = this.#instance(instanceName);
    this.application(instanceName, name);
    await this.#act(() => instance.client.syncApplication(name));
  }

  /** Size figures for benchmarks and health checks. */
  stats(): Array<{
    instance: string;
    applications: number;
    trees: number;
    connected: boolean;
  }> {
    return [...this.#instances.values()].map(i => ({
      instance: i.config.name,
      applications: i.watcher.applications.size,
      trees: i.trees.size,
      connected: i.watcher.connected,
    }));
  }

  #instance(name: string): Instance {
    const instance = this.#instances.get(name);
    if (!instance)
      throw new NotFoundError(
        `No Argo CD instance named '${name}' is configured`,
      );
    return instance;
  }

  #built(instance: Instance, cached: CachedApplication): Environment {
    // Built once per version of the Application; the stream replaces the entry when it changes.
    if (!cached.memo) {
      cached.memo = buildEnvironment(
        {
          instance: instance.config.name,
          application: cached.application,
          stale: false,
          observedAt: '',
        },
        { uiUrl: instance.config.uiUrl ?? null },
      );
    }
    return cached.memo as Environment;
  }

  async #act(action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (error) {
      if (error instanceof ArgoCdNotFoundError)
        throw new NotFoundError(error.message);
      // Argo CD refuses an action with FailedPrecondition (400) or 409, e.g. while a sync runs.
      if (
        error instanceof ArgoCdError &&
        (error.status === 400 || error.status === 409)
      ) {
        throw new ConflictError(error.message);
      }
      // The cause carries Argo CD's Retry-After, which the router passes on.
      if (error instanceof ArgoCdError)
        throw new ServiceUnavailableError(error.message, error);
      throw error;
    }
  }
}

interface CachedAnswer {
  version: string;
  answer: Promise<SerializedAnswer>;
  /** What it counts against the byte bound once built; 0 while it is being built. */
  bytes: number;
}

function isRoot(app: ArgoApplication): boolean {
  return app.metadata?.labels?.[BLUEBERRY_LABELS.role] === 'root';
}
