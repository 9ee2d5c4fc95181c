import type { ArgoApplication } from '../argocd/types';
import type { EntityLink } from './entityLinks';

/** The environments of one link on one instance, and a version that moves when one of them changes. */
export interface LinkedEnvironments {
  /** Names of the Applications the link matches. */
  readonly names: ReadonlySet<string>;
  /**
   * Moves on when an Application the link matches (or matched) appears, changes or goes. Never
   * repeats within the index, not even for a link dropped and asked for again, so a version seen
   * once names one state.
   */
  readonly version: number;
}

interface Entry extends LinkedEnvironments {
  readonly link: EntityLink;
  names: Set<string>;
  version: number;
  usedAt: number;
}

/** A link nobody asked for in this long is dropped (its entity was renamed, re-annotated or deleted). */
const IDLE_MS = 15 * 60_000;

/**
 * One instance's index from an entity's link (its app label, selector and names: `EntityLink.key`) to
 * the Applications it matches. A change to an Application is checked against each link once, when it
 * arrives, so an answer is rebuilt only when one of its own environments changed, and a view reads
 * its environments by name instead of matching every Application again.
 */
export class EnvironmentIndex {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  #sweptAt: number;
  /** The last version handed out. */
  #versions = 0;

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
    this.#sweptAt = this.#now();
  }

  /**
   * The link's environments among `applications` (the instance's current ones), indexed from now on.
   * A link asked for again is answered from the index.
   */
  linked(
    link: EntityLink,
    applications: ReadonlyMap<string, { application: ArgoApplication }>,
  ): LinkedEnvironments {
    const now = this.#now();
    this.#sweep(now);
    let entry = this.#entries.get(link.key);
    if (!entry) {
      const names = new Set<string>();
      for (const [name, cached] of applications) {
        if (link.matches(cached.application)) names.add(name);
      }
      entry = { link, names, version: ++this.#versions, usedAt: now };
      this.#entries.set(link.key, entry);
    }
    entry.usedAt = now;
    return entry;
  }

  /** An Application appeared (`before` absent), changed, or went (`after` absent). */
  changed(name: string, after: ArgoApplication | undefined): void {
    for (const entry of this.#entries.values()) {
      const was = entry.names.has(name);
      const is = !!after && entry.link.matches(after);
      if (!was && !is) continue;
      if (is) entry.names.add(name);
      else entry.names.delete(name);
      entry.version = ++this.#versions;
    }
  }

  /** How many links are indexed (for tests). */
  get size(): number {
    return this.#entries.size;
  }

  #sweep(now: number): void {
    if (now - this.#sweptAt < IDLE_MS / 4) return;
    this.#sweptAt = now;
    for (const [key, entry] of this.#entries) {
      if (now - entry.usedAt > IDLE_MS) this.#entries.delete(key);
    }
  }
}
