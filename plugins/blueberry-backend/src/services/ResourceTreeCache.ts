import { BoundedMap } from '@blueberry-idp/plugin-blueberry-common';
import type { ArgoCdClient } from '../argocd/ArgoCdClient';
import type { ArgoApplicationTree } from '../argocd/types';

interface Entry {
  /** The Application's resourceVersion the tree belongs to. */
  version: string | undefined;
  tree?: ArgoApplicationTree;
  inFlight?: Promise<ArgoApplicationTree>;
  usedAt: number;
}

/**
 * Resource trees, fetched on demand with one request in flight per Application (single-flight),
 * reused until the stream says the Application changed, and bounded in number (least recently used
 * go first).
 */
export class ResourceTreeCache {
  readonly #client: ArgoCdClient;
  readonly #entries: BoundedMap<string, Entry>;

  constructor(client: ArgoCdClient, options: { maxEntries?: number } = {}) {
    this.#client = client;
    this.#entries = new BoundedMap(options.maxEntries ?? 500);
  }

  /** The tree of an Application at this resourceVersion; fetches only when there is none yet. */
  get(name: string, version: string | undefined): Promise<ArgoApplicationTree> {
    const entry = this.#entries.peek(name);
    if (entry && entry.version === version && (entry.tree || entry.inFlight)) {
      entry.usedAt = Date.now();
      // Refresh its place in the LRU order.
      this.#entries.get(name);
      return entry.tree ? Promise.resolve(entry.tree) : entry.inFlight!;
    }
    const fresh: Entry = { version, usedAt: Date.now() };
    fresh.inFlight = this.#client.getResourceTree(name).then(
      tree => {
        if (this.#entries.peek(name) === fresh) {
          fresh.tree = tree;
          fresh.inFlight = undefined;
        }
        return tree;
      },
      error => {
        if (this.#entries.peek(name) === fresh) this.#entries.delete(name);
        throw error;
      },
    );
    this.#entries.set(name, fresh);
    return fresh.inFlight;
  }

  /**
   * The stream says an Application changed: a tree someone looked at within `hotMs` is fetched again
   * at once (so the open page gets it without waiting), others are dropped.
   */
  changed(name: string, version: string | undefined, hotMs: number): void {
    const entry = this.#entries.peek(name);
    if (!entry || entry.version === version) return;
    if (Date.now() - entry.usedAt < hotMs) {
      this.get(name, version).catch(() => {
        // A failed refetch leaves no entry; the next view tries again and reports the error.
      });
      this.#entries.peek(name)!.usedAt = entry.usedAt;
    } else {
      this.#entries.delete(name);
    }
  }

  removed(name: string): void {
    this.#entries.delete(name);
  }
}
