import type {
  CacheService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { GitopsEnvironment, rfc3339 } from './applicationExpiry';

/** The notification scope of an environment's expiry: Backstage keeps one notification per scope. */
export function expiryWarningScope(environment: string): string {
  return `blueberry-expiry:${environment}`;
}

/**
 * Warns an environment's owner once before it expires, through Backstage notifications. "Once" is
 * kept in the CacheService (shared by replicas when it is Redis or Valkey), keyed by the environment
 * and its expiry, so a kept environment (new expiry) is warned again before its new end. The stable
 * `scope` makes the notifications backend update rather than duplicate, should the record be lost.
 */
export class ExpiryWarnings {
  readonly #notifications: NotificationService;
  readonly #cache: CacheService;
  readonly #logger: LoggerService;
  readonly #link: (environment: GitopsEnvironment) => string;

  constructor(options: {
    notifications: NotificationService;
    cache: CacheService;
    logger: LoggerService;
    /** The page the warning links to (where the Keep button is). */
    link?: (environment: GitopsEnvironment) => string;
  }) {
    this.#notifications = options.notifications;
    this.#cache = options.cache;
    this.#logger = options.logger;
    this.#link =
      options.link ??
      // The environment's own catalog entity (catalog-backend-module-blueberry), whose card has Keep.
      (environment =>
        `/catalog/default/resource/${encodeURIComponent(environment.name)}`);
  }

  /** Sends the warning unless it went out for this expiry already; true when it was sent now. */
  async warnOnce(environment: GitopsEnvironment, now: Date): Promise<boolean> {
    if (!environment.expiresAt || !environment.owner) return false;
    const expiresAt = rfc3339(environment.expiresAt);
    const key = `expiry-warning:${environment.name}:${expiresAt}`;
    if (await this.#cache.get(key)) return false;
    const hours = Math.max(
      0,
      Math.round((environment.expiresAt.getTime() - now.getTime()) / 3600_000),
    );
    await this.#notifications.send({
      recipients: { type: 'entity', entityRef: environment.owner },
      payload: {
        title: `Environment ${environment.name} expires in about ${hours} h`,
        // Where Keep is: the linked page's card row. Short, as the notifications page cuts a
        // description after 100 characters.
        description: `Press Keep on its row in the Environments card to keep it past ${expiresAt}.`,
        link: this.#link(environment),
        severity: 'high',
        topic: 'blueberry-expiry',
        scope: expiryWarningScope(environment.name),
      },
    });
    // Remember it until a while after the expiry; by then the environment is gone.
    const ttl = Math.max(
      60_000,
      environment.expiresAt.getTime() - now.getTime() + 24 * 3600_000,
    );
    await this.#cache.set(key, true, { ttl });
    this.#logger.info(
      `Warned ${environment.owner} that environment ${environment.name} expires at ${expiresAt}`,
    );
    return true;
  }
}
