import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  BLUEBERRY_ANNOTATIONS,
  blueberryEnvironmentReadPermission,
} from '@blueberry-idp/plugin-blueberry-common';
import type { ArgoApplication } from '../argocd/types';
import type { EntityAccess } from './EntityAccess';
import { EntityLink, entityLinkOf } from './entityLinks';
import type { EnvironmentService } from './EnvironmentService';

/** One environment a caller asks about, and the page (entity) it names, if any. */
export interface EnvironmentRequest {
  instance: string;
  name: string;
  /** The entity whose page the caller is on; it must link to the environment. */
  entityRef?: string;
  permission: ResourcePermission<'catalog-entity'>;
  credentials: BackstageCredentials;
}

/**
 * Who may see and act on which environments: the permission and the catalog lookup (EntityAccess)
 * checked against what each environment records. Throws Backstage's errors; it knows no HTTP.
 */
export class EnvironmentAccess {
  readonly #access: EntityAccess;
  readonly #environments: EnvironmentService;

  constructor(options: {
    access: EntityAccess;
    environments: EnvironmentService;
  }) {
    this.#access = options.access;
    this.#environments = options.environments;
  }

  /**
   * The link of an entity the caller may read the environments of; undefined when the entity links
   * to none. NotFoundError / NotAllowedError as EntityAccess decides; InputError (400) when the
   * entity's annotation is malformed: the entity asked about cannot be answered for as it is.
   */
  async readableLink(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntityLink | undefined> {
    const entity = await this.#access.authorize(
      entityRef,
      blueberryEnvironmentReadPermission,
      credentials,
    );
    const linked = linkOf(entity);
    if (linked instanceof Error) {
      throw new InputError(
        `Entity ${entityRef} has a malformed annotation: ${linked.message}`,
      );
    }
    return linked;
  }

  /**
   * Allows a request on one environment, or throws. The permission is checked before anything is
   * looked up: a caller the policy denies it outright gets NotAllowedError whether or not the
   * environment exists, and one it grants it on every entity (an admin) may act on any environment.
   * Then the environment is authorised against the catalog entity it RECORDS as its source
   * (`blueberry.io/source-entity` on the Application Argo CD synced from the GitOps repository),
   * with the caller's credentials. An `entityRef` the caller names (the page it is on) must link to
   * the environment; a read is then allowed by that entity's read grant, but a change still needs
   * the recorded entity's, so no entity a caller registers or annotates can widen what it may
   * change. A missing environment and one the caller may not touch get the same NotFoundError, so
   * the answer does not tell them apart.
   */
  async authorizeEnvironment(request: EnvironmentRequest): Promise<void> {
    const { instance, name, entityRef, permission, credentials } = request;
    const general = await this.#access.generalDecision(permission, credentials);
    if (general === 'deny') {
      throw new NotAllowedError(`Not allowed: ${permission.name}`);
    }
    const hidden = new NotFoundError(
      `No environment '${name}' on Argo CD instance '${instance}' on which you are allowed ${permission.name}`,
    );
    const app = this.#environments.findApplication(instance, name);
    if (!app) throw hidden;
    // The page the caller names must be one the environment belongs to, and visible to it.
    if (entityRef) {
      const entity = await this.#grantedEntity(
        entityRef,
        blueberryEnvironmentReadPermission,
        credentials,
      );
      const linked = entity && linkOf(entity);
      const link = linked instanceof Error ? undefined : linked;
      const belongs =
        !!link &&
        link.matches(app) &&
        (!link.instances || link.instances.includes(instance));
      if (!belongs) throw hidden;
      if (permission === blueberryEnvironmentReadPermission) return;
    }
    // Granted on every entity (an admin, or an allow-all policy): also on an environment that
    // records no source entity.
    if (general === 'allow') return;
    // A change, or a read without a page: the recorded source entity decides.
    const source = recordedSourceEntity(app);
    if (
      source &&
      (await this.#grantedEntity(source, permission, credentials))
    ) {
      return;
    }
    throw hidden;
  }

  /** The entity when the caller sees it and holds the permission on it; undefined otherwise. */
  async #grantedEntity(
    entityRef: string,
    permission: ResourcePermission<'catalog-entity'>,
    credentials: BackstageCredentials,
  ): Promise<Entity | undefined> {
    try {
      return await this.#access.authorize(entityRef, permission, credentials);
    } catch (error) {
      if (error instanceof NotAllowedError || error instanceof NotFoundError)
        return undefined;
      throw error;
    }
  }
}

/**
 * An entity's link, worked out once per entity object: the access cache hands every view within
 * its TTL the same object, so a view does not parse the annotations again. An Error when an
 * annotation is malformed.
 */
const linksByEntity = new WeakMap<Entity, EntityLink | undefined | Error>();
function linkOf(entity: Entity): EntityLink | undefined | Error {
  if (linksByEntity.has(entity)) return linksByEntity.get(entity);
  let linked: EntityLink | undefined | Error;
  try {
    linked = entityLinkOf(entity);
  } catch (error) {
    linked = error instanceof Error ? error : new Error(String(error));
  }
  linksByEntity.set(entity, linked);
  return linked;
}

/** The source entity the environment records, normalised; undefined when absent or malformed. */
function recordedSourceEntity(app: ArgoApplication): string | undefined {
  const value = app.metadata?.annotations?.[BLUEBERRY_ANNOTATIONS.sourceEntity];
  if (!value) return undefined;
  try {
    return stringifyEntityRef(parseEntityRef(value));
  } catch {
    return undefined;
  }
}
