import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
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
import type { LinkedEnvironments } from './EnvironmentIndex';
import { environmentDrift } from './drift/environmentDrift';
import { buildEnvironment, buildRootSummary } from './environmentTree';
import {
  ApplicationChange,
  CachedApplication,
  InstanceWatcher,
} from './InstanceWatcher';
import type { MergeRequestHeadReader } from './MergeRequestHeadReader';
import { ResourceTreeCache } from './ResourceTreeCache';

export interface EnvironmentServiceOptions {
  instances: ArgoCdInstanceConfig[];
  /** Label selector of the Applications every watch covers. */
  selector: string;
  logger: LoggerService;
  /** Adds whether each merge request's head is ahead of what its environment runs. */
  heads?: MergeRequestHeadReader;
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
}

/** How long a request waits for an instance's first list before reporting it in `errors`. */
const READY_TIMEOUT_MS = 5_000;

/** An answer nobody asked for in this long is dropped, as the index drops its link. */
const ANSWER_IDLE_MS = 15 * 60_000;

/** A tree someone viewed within this time is fetched again as soon as its Application changes. */
const HOT_TREE_MS = 5 * 60_000;

/**
 * The picture of every environment: one watcher per Argo CD instance, the environment tree built from
 * memory, and the actions (refresh, sync) passed to Argo CD. It knows nothing of HTTP or permissions;
 * EnvironmentAccess checks those before the router calls it.
 */
export class EnvironmentService {
  readonly #instances = new Map<string, Instance>();
  readonly #listeners = new Set<EnvironmentChangeListener>();
  /** Whether each merge request's head is ahead of what its environment runs (the events module's record). */
  readonly #heads?: MergeRequestHeadReader;
  /** The last answer per link (`EntityLink.key`), reused while none of its environments changed. */
  readonly #answers = new Map<string, CachedAnswer>();
  #answersSweptAt = Date.now();

  static create(options: EnvironmentServiceOptions): EnvironmentService {
    return new EnvironmentService(options);
  }

  private constructor(options: EnvironmentServiceOptions) {
    this.#heads = options.heads;
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
      const instance = { config, client, trees } as Instance;
      const watcher = new InstanceWatcher({
        client,
        selector: options.selector,
        logger: options.logger,
        onChanges: changes => {
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
   * The environments a link matches, across instances; a failing instance only fills `errors`. The
   * same object is returned while none of its environments and nothing its instances report
   * (readiness, connection, problem, root) changed, so a caller may keep what it derives from it
   * (its JSON) for as long as it gets the same object back. Do not change it.
   */
  async environmentsFor(link: EntityLink): Promise<EnvironmentsResponse> {
    const names = link.instances ?? this.instanceNames;
    const instances = names.flatMap(n => this.#instances.get(n) ?? []);
    // In steady state every instance has listed: no promise per view to find that out.
    if (!instances.every(i => i.watcher.ready)) {
      await Promise.all(
        instances.map(i => i.watcher.whenReady(READY_TIMEOUT_MS)),
      );
    }
    // From here on nothing waits: the version read is the state the answer is built from.
    const linked = instances.map(instance => ({
      instance,
      environments: instance.watcher.linked(link),
    }));
    const version = linked
      .map(
        ({ instance, environments }) =>
          `${instance.config.name}:${instance.watcher.generation}:${environments.version}`,
      )
      .join('|');
    const now = Date.now();
    this.#sweepAnswers(now);
    const cached = this.#answers.get(link.key);
    let response: EnvironmentsResponse;
    if (cached && cached.version === version) {
      cached.usedAt = now;
      response = cached.response;
    } else {
      response = this.#build(names, linked, now);
      this.#answers.set(link.key, { version, response, usedAt: now });
    }
    return this.#heads ? this.#heads.withHeadsIn(response) : response;
  }

  #build(
    names: string[],
    linked: Array<{ instance: Instance; environments: LinkedEnvironments }>,
    now: number,
  ): EnvironmentsResponse {
    const items: Environment[] = [];
    const errors: InstanceError[] = [];
    const roots = new Map<string, RootApplicationSummary>();
    const withItems = new Set<string>();
    for (const name of names) {
      if (!this.#instances.has(name)) {
        errors.push({
          instance: name,
          message: `No Argo CD instance named '${name}' is configured`,
        });
      }
    }
    for (const { instance, environments } of linked) {
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
      // While connected the state is current until the next change, which builds a new answer.
      const observedAt = new Date(
        stale ? watcher.observedAt : now,
      ).toISOString();
      const root = watcher.root;
      if (root) {
        roots.set(
          watcher.instance,
          buildRootSummary({
            instance: watcher.instance,
            application: root,
            observedAt,
            stale,
          }),
        );
      }
      for (const name of environments.names) {
        const cached = watcher.applications.get(name);
        if (!cached) continue;
        withItems.add(watcher.instance);
        items.push({ ...this.#built(instance, cached), stale, observedAt });
      }
    }
    items.sort(
      (a, b) =>
        a.instance.localeCompare(b.instance) || a.name.localeCompare(b.name),
    );
    // The root shown is the one of the (first) instance that holds the entity's environments.
    const rootInstance = linked
      .map(l => l.instance.config.name)
      .find(n => withItems.has(n) && roots.has(n));
    const root = rootInstance
      ? roots.get(rootInstance)
      : [...roots.values()][0];
    return root ? { root, items, errors } : { items, errors };
  }

  /** Drops the answers of links nobody asked for lately (renamed, re-annotated, deleted entities). */
  #sweepAnswers(now: number): void {
    if (now - this.#answersSweptAt < ANSWER_IDLE_MS / 4) return;
    this.#answersSweptAt = now;
    for (const [key, answer] of this.#answers) {
      if (now - answer.usedAt > ANSWER_IDLE_MS) this.#answers.delete(key);
    }
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
    const environment = buildEnvironment(
      {
        instance: instanceName,
        application: app,
        stale,
        observedAt: new Date(watcher.observedAt).toISOString(),
      },
      { uiUrl: instance.config.uiUrl ?? null, tree },
    );
    const [served] = (await this.#heads?.withHeads([environment])) ?? [
      environment,
    ];
    return served;
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
  /** Each linked instance's generation and the version of the link's environments there. */
  version: string;
  response: EnvironmentsResponse;
  usedAt: number;
}
