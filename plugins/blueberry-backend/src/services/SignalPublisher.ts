import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  BoundedMap,
  environmentSignalChannel,
  EnvironmentSignalMessage,
} from '@blueberry-idp/plugin-blueberry-common';
import type { SignalsService } from '@backstage/plugin-signals-node';
import type { EntityLink } from './entityLinks';
import type { EnvironmentChangeListener } from './EnvironmentService';
import type { ApplicationChange } from './InstanceWatcher';

interface Interest {
  link: EntityLink;
  seenAt: number;
  /** The users who were allowed to read the entity's environments, and when they last did. */
  readers: BoundedMap<string, number>;
}

/** How many readers of one entity are signalled; the ones who read longest ago go first. */
const MAX_READERS_PER_ENTITY = 1_000;

export interface SignalPublisherOptions {
  signals: SignalsService;
  logger: LoggerService;
  /** A burst of changes within this time becomes one signal per entity. */
  coalesceMs: number;
  /** Entities whose environments nobody fetched for this long are forgotten. */
  interestTtlMs?: number;
  maxInterests?: number;
}

/**
 * Publishes a signal on `environmentSignalChannel(entityRef)` when an environment of an entity that
 * someone is looking at changes. It remembers the entities whose environments were fetched (an open
 * page fetches first) and who fetched them, matches each change from the watch against them, and
 * coalesces bursts. The signals service lets any signed-in user subscribe to any channel, so a
 * signal is never a broadcast: it goes to the users the read permission let through (within the
 * interest TTL). The message names what changed and carries no data: the page fetches again
 * through the permission-checked route.
 */
export class SignalPublisher implements EnvironmentChangeListener {
  readonly #signals: SignalsService;
  readonly #logger: LoggerService;
  readonly #coalesceMs: number;
  readonly #ttlMs: number;
  // Written in the order they were seen and never reordered by a read (peek): #expire relies on it.
  readonly #interests: BoundedMap<string, Interest>;
  /** entityRef → instance → environment names, waiting for the next flush. */
  #pending = new Map<string, Map<string, Set<string>>>();
  #timer: NodeJS.Timeout | undefined;

  constructor(options: SignalPublisherOptions) {
    this.#signals = options.signals;
    this.#logger = options.logger;
    this.#coalesceMs = options.coalesceMs;
    this.#ttlMs = options.interestTtlMs ?? 24 * 60 * 60_000;
    this.#interests = new BoundedMap(options.maxInterests ?? 10_000);
  }

  /**
   * An entity's environments were served to `reader` (a user entity ref, after the read check):
   * signal its changes to that user from now on. A service caller has no signal socket: no reader.
   */
  watch(entityRef: string, link: EntityLink, reader?: string): void {
    const now = Date.now();
    const readers =
      this.#interests.peek(entityRef)?.readers ??
      new BoundedMap<string, number>(MAX_READERS_PER_ENTITY);
    if (reader) readers.set(reader, now);
    this.#interests.set(entityRef, { link, seenAt: now, readers });
  }

  changed(instance: string, changes: ApplicationChange[]): void {
    if (this.#interests.size === 0) return;
    this.#expire();
    for (const [entityRef, { link }] of this.#interests.entries()) {
      if (link.instances && !link.instances.includes(instance)) continue;
      for (const { before, after } of changes) {
        const app =
          (after && link.matches(after) && after) ||
          (before && link.matches(before) && before);
        if (app) this.#queue(entityRef, instance, app.metadata?.name ?? '');
      }
    }
  }

  connectionChanged(instance: string): void {
    // Every environment of the instance turns stale or fresh: tell each entity that has one there.
    for (const [entityRef, { link }] of this.#interests.entries()) {
      if (!link.instances || link.instances.includes(instance))
        this.#queue(entityRef, instance);
    }
  }

  /** Publishes what is pending at once (on shutdown). */
  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const pending = this.#pending;
    this.#pending = new Map();
    const publications: Promise<void>[] = [];
    const oldest = Date.now() - this.#ttlMs;
    for (const [entityRef, byInstance] of pending) {
      const readers = [
        ...(this.#interests.peek(entityRef)?.readers.entries() ?? []),
      ]
        .filter(([, at]) => at >= oldest)
        .map(([reader]) => reader);
      if (readers.length === 0) continue;
      for (const [instance, names] of byInstance) {
        const message: EnvironmentSignalMessage = {
          entityRef,
          instance,
          environments: [...names].sort(),
        };
        publications.push(
          this.#signals
            .publish({
              recipients: { type: 'user', entityRef: readers },
              channel: environmentSignalChannel(entityRef),
              message,
            })
            .catch(error => {
              this.#logger.warn(
                `Could not publish the environment signal for ${entityRef}: ${error}`,
              );
            }),
        );
      }
    }
    await Promise.all(publications);
  }

  #queue(entityRef: string, instance: string, name?: string): void {
    let byInstance = this.#pending.get(entityRef);
    if (!byInstance) this.#pending.set(entityRef, (byInstance = new Map()));
    let names = byInstance.get(instance);
    if (!names) byInstance.set(instance, (names = new Set()));
    if (name) names.add(name);
    // The first change of a burst starts the clock; later ones ride along, so a signal is never
    // later than coalesceMs after the change that started it.
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.flush().catch(() => {});
    }, this.#coalesceMs);
  }

  #expire(): void {
    const oldest = Date.now() - this.#ttlMs;
    for (const [entityRef, interest] of this.#interests.entries()) {
      if (interest.seenAt >= oldest) break; // insertion order is recency order
      this.#interests.delete(entityRef);
    }
  }
}
