import type {
  AuthService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { BoundedMap } from '@blueberry-idp/plugin-blueberry-common';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/** A policy's answer for a permission on no entity in particular. */
export type GeneralDecision = 'allow' | 'deny' | 'conditional';

interface Decision {
  entity: Entity | undefined;
  allowed: boolean;
  expiresAt: number;
}

/**
 * Answers "may this caller do this to this catalog entity?" and hands back the entity. The entity is
 * read from the catalog with the caller's own credentials (so catalog visibility applies) and the
 * permission is checked with the entity ref as resourceRef (so conditional policies such as
 * "owner of the entity" work). Decisions are reused for a few seconds per caller, entity and
 * permission, because a page view and its live refreshes ask the same question many times.
 */
export class EntityAccess {
  readonly #auth: AuthService;
  readonly #catalog: CatalogService;
  readonly #permissions: PermissionsService;
  readonly #ttlMs: number;
  // Each holds the 10,000 keys used last: many callers cannot grow the memory without bound.
  readonly #decisions = new BoundedMap<string, Decision | Promise<Decision>>(
    10_000,
  );
  readonly #general = new BoundedMap<
    string,
    { decision: GeneralDecision; expiresAt: number }
  >(10_000);

  constructor(options: {
    auth: AuthService;
    catalog: CatalogService;
    permissions: PermissionsService;
    ttlMs: number;
  }) {
    this.#auth = options.auth;
    this.#catalog = options.catalog;
    this.#permissions = options.permissions;
    this.#ttlMs = options.ttlMs;
  }

  /**
   * The entity, when the caller may see it and is granted the permission on it. NotFoundError when
   * the catalog does not show it to the caller, NotAllowedError when the permission is denied.
   */
  async authorize(
    entityRef: string,
    permission: ResourcePermission<'catalog-entity'>,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const key = `${this.#principalKey(credentials)}\n${
      permission.name
    }\n${entityRef}`;
    const cached = this.#decisions.get(key);
    let decision: Decision;
    if (
      cached &&
      (cached instanceof Promise || cached.expiresAt > Date.now())
    ) {
      decision = await cached;
    } else {
      const pending = this.#decide(entityRef, permission, credentials);
      if (this.#ttlMs > 0) this.#remember(key, pending);
      decision = await pending.catch(error => {
        this.#decisions.delete(key);
        throw error;
      });
      if (this.#ttlMs > 0) this.#remember(key, decision);
    }
    // Denied before missing: a missing entity and a forbidden one get the same answer (a
    // conditional policy denies a resourceRef that does not exist).
    if (!decision.allowed) {
      throw new NotAllowedError(
        `Not allowed: ${permission.name} on ${entityRef}`,
      );
    }
    if (!decision.entity)
      throw new NotFoundError(`No catalog entity '${entityRef}'`);
    return decision.entity;
  }

  /**
   * What the policy says of this permission for the caller on no entity in particular, asked
   * before anything is looked up so that the answer cannot tell what exists: `deny` (on every
   * entity), `allow` (on every entity: an admin, or an allow-all policy) or `conditional` (on
   * some entities; the per-entity check decides).
   */
  async generalDecision(
    permission: ResourcePermission<'catalog-entity'>,
    credentials: BackstageCredentials,
  ): Promise<GeneralDecision> {
    const key = `${this.#principalKey(credentials)}\n${permission.name}\n*`;
    const cached = this.#general.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.decision;
    const [answer] = await this.#permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    let decision: GeneralDecision = 'conditional';
    if (answer.result === AuthorizeResult.DENY) decision = 'deny';
    if (answer.result === AuthorizeResult.ALLOW) decision = 'allow';
    if (this.#ttlMs > 0) {
      this.#general.set(key, { decision, expiresAt: Date.now() + this.#ttlMs });
    }
    return decision;
  }

  async #decide(
    entityRef: string,
    permission: ResourcePermission<'catalog-entity'>,
    credentials: BackstageCredentials,
  ): Promise<Decision> {
    const [entity, [decision]] = await Promise.all([
      this.#catalog.getEntityByRef(entityRef, { credentials }),
      this.#permissions.authorize([{ permission, resourceRef: entityRef }], {
        credentials,
      }),
    ]);
    return {
      entity,
      allowed: decision.result === AuthorizeResult.ALLOW,
      expiresAt: Date.now() + this.#ttlMs,
    };
  }

  /** Whose decision it is: one user or one service; any other caller shares one key per kind. */
  #principalKey(credentials: BackstageCredentials): string {
    if (this.#auth.isPrincipal(credentials, 'user'))
      return `user:${credentials.principal.userEntityRef}`;
    if (this.#auth.isPrincipal(credentials, 'service'))
      return `service:${credentials.principal.subject}`;
    return this.#auth.isPrincipal(credentials, 'none') ? 'none' : 'unknown';
  }

  #remember(key: string, value: Decision | Promise<Decision>): void {
    this.#decisions.set(key, value);
  }
}
