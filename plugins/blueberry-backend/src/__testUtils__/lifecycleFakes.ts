import {
  CacheService,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  notificationService,
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';

/** Records what would go to the notifications backend. */
export class NotificationRecorder implements NotificationService {
  readonly sent: NotificationSendOptions[] = [];
  async send(options: NotificationSendOptions): Promise<void> {
    this.sent.push(options);
  }
}

/**
 * Features for a test backend whose scheduler runs every scheduled task (the expiry janitor) once at
 * start-up and waits for it, with the notifications it sends going to `notifications`.
 */
export function janitorAtStartup(
  notifications: NotificationRecorder = new NotificationRecorder(),
) {
  return [
    mockServices.scheduler.factory({
      includeInitialDelayedTasksOnStartup: true,
    }),
    createServiceFactory({
      service: notificationService,
      deps: {},
      factory: () => notifications,
    }),
  ];
}

/** An in-memory CacheService (what Backstage uses without Redis), expiry included. */
export class MemoryCache implements CacheService {
  readonly #entries = new Map<string, { value: unknown; until: number }>();
  constructor(private readonly clock: () => number = Date.now) {}
  async get<T>(key: string): Promise<T | undefined> {
    const entry = this.#entries.get(key);
    if (!entry || entry.until <= this.clock()) return undefined;
    return entry.value as T;
  }
  async set(key: string, value: unknown, options?: { ttl?: unknown }) {
    const ttl = typeof options?.ttl === 'number' ? options.ttl : 3600_000;
    this.#entries.set(key, { value, until: this.clock() + ttl });
  }
  async delete(key: string) {
    this.#entries.delete(key);
  }
  withOptions(): CacheService {
    return this;
  }
}
