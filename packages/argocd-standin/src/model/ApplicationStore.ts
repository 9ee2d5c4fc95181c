import { Application } from './argoTypes';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One stored Application version, with its JSON rendered once and reused by every reader. */
export class StoredApplication {
  readonly application: Application;
  readonly resourceVersion: number;
  #json?: string;
  #listJson?: string;

  constructor(application: Application, resourceVersion: number) {
    this.application = application;
    this.resourceVersion = resourceVersion;
  }

  get name(): string {
    return this.application.metadata.name;
  }

  get labels(): Record<string, string> {
    return this.application.metadata.labels ?? {};
  }

  get project(): string {
    return String(this.application.spec.project ?? 'default');
  }

  /** As get, watch and sync serve it: per-resource health filled in from the tree. */
  json(): string {
    this.#json ??= JSON.stringify(this.application);
    return this.#json;
  }

  /** As the list endpoint serves it in Argo CD 3.x: no per-resource health. */
  listObject(): Application {
    const resources = this.application.status.resources;
    if (!resources) return this.application;
    return {
      ...this.application,
      status: {
        ...this.application.status,
        resources: resources.map(({ health: _health, ...rest }) => rest),
      },
    };
  }

  listJson(): string {
    this.#listJson ??= JSON.stringify(this.listObject());
    return this.#listJson;
  }
}

export interface WatchEvent {
  type: WatchEventType;
  stored: StoredApplication;
}

/**
 * All Applications, with a resource version counter like the Kubernetes API server's and a bounded
 * history of changes, so a watch can resume from a version it saw.
 */
export class ApplicationStore {
  #apps = new Map<string, StoredApplication>();
  #version = 0;
  #history: WatchEvent[] = [];
  #historyLimit: number;
  #listeners = new Set<(event: WatchEvent) => void>();

  constructor(options: { historyLimit?: number } = {}) {
    this.#historyLimit = options.historyLimit ?? 10000;
  }

  get resourceVersion(): number {
    return this.#version;
  }

  get size(): number {
    return this.#apps.size;
  }

  get(name: string): StoredApplication | undefined {
    return this.#apps.get(name);
  }

  list(): StoredApplication[] {
    return [...this.#apps.values()];
  }

  /** Stores a new version of an Application and tells the watchers (ADDED or MODIFIED). */
  put(application: Application): StoredApplication {
    const version = ++this.#version;
    application.metadata.resourceVersion = String(version);
    const stored = new StoredApplication(application, version);
    const type = this.#apps.has(stored.name) ? 'MODIFIED' : 'ADDED';
    this.#apps.set(stored.name, stored);
    this.#emit({ type, stored });
    return stored;
  }

  /** Stores many without telling anyone, for the initial synthetic load. */
  seed(applications: Application[]): void {
    for (const application of applications) {
      application.metadata.resourceVersion = String(++this.#version);
      this.#apps.set(
        application.metadata.name,
        new StoredApplication(application, this.#version),
      );
    }
  }

  /**
   * Renders every Application's JSON in small slices between other work, so the first big list or
   * watch after start-up does not pay for thousands of renders at once.
   */
  warm(slice = 250): void {
    const pending = this.list();
    const step = () => {
      for (const stored of pending.splice(0, slice)) {
        stored.json();
        stored.listJson();
      }
      if (pending.length) setImmediate(step);
    };
    setImmediate(step);
  }

  delete(name: string): void {
    const previous = this.#apps.get(name);
    if (!previous) return;
    this.#apps.delete(name);
    const version = ++this.#version;
    const application = {
      ...previous.application,
      metadata: {
        ...previous.application.metadata,
        resourceVersion: String(version),
      },
    };
    this.#emit({
      type: 'DELETED',
      stored: new StoredApplication(application, version),
    });
  }

  /**
   * The changes after a resource version, oldest first; undefined when the history no longer reaches
   * back that far (the caller then starts over from the current state).
   */
  changesSince(version: number): WatchEvent[] | undefined {
    if (version >= this.#version) return [];
    const oldest = this.#history[0]?.stored.resourceVersion;
    if (oldest === undefined || version < oldest - 1) return undefined;
    return this.#history.filter(e => e.stored.resourceVersion > version);
  }

  subscribe(listener: (event: WatchEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(event: WatchEvent): void {
    this.#history.push(event);
    if (this.#history.length > this.#historyLimit) {
      this.#history.splice(0, this.#history.length - this.#historyLimit);
    }
    for (const listener of this.#listeners) listener(event);
  }
}
