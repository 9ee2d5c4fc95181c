import type {
  BackstageUserInfo,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { blueberryEnvironmentReadPermission } from '@blueberry-idp/plugin-blueberry-common';

const BLUEBERRY_PREFIX = 'blueberry.';

/**
 * Blueberry's decision for one of its permissions, or undefined for any other permission, so a
 * policy of your own can call it first and decide the rest:
 *
 * - `blueberry.environment.read`: ALLOW. The backend reads the entity from the catalog with the
 *   caller's credentials, so whoever may read the entity (catalog.entity.read) may read its
 *   environments, and nobody else.
 * - every other `blueberry.*` permission (sync, update, destroy, rollback, and whatever later
 *   changes an environment): ALLOW for an admin; otherwise a CONDITIONAL decision, the
 *   catalog's `IS_ENTITY_OWNER` over the caller's ownership refs (the user and the groups it is a
 *   member of). The backend asks it on the environment's recorded source entity, so it is the
 *   owners of that entity who may change the environment; the catalog evaluates the condition,
 *   and a caller that lists through conditions gets them as filters.
 * - without a user (no user credentials): DENY.
 *
 * @public
 */
export function blueberryPolicyDecision(
  request: PolicyQuery,
  user: BackstageUserInfo | undefined,
  options: { admins: string[] },
): PolicyDecision | undefined {
  const { permission } = request;
  if (!permission.name.startsWith(BLUEBERRY_PREFIX)) return undefined;
  if (isPermission(permission, blueberryEnvironmentReadPermission)) {
    return { result: AuthorizeResult.ALLOW };
  }
  if (!user) return { result: AuthorizeResult.DENY };
  const claims = user.ownershipEntityRefs;
  if (options.admins.some(admin => claims.includes(admin))) {
    return { result: AuthorizeResult.ALLOW };
  }
  if (!isResourcePermission(permission, 'catalog-entity')) {
    return { result: AuthorizeResult.DENY };
  }
  return createCatalogConditionalDecision(
    permission,
    catalogConditions.isEntityOwner({ claims }),
  );
}

/**
 * The policy the module installs: Blueberry's decisions (blueberryPolicyDecision) for its
 * permissions, and ALLOW for every other permission, as the allow-all policy it replaces did. An
 * organisation with rules of its own for the catalog, the scaffolder and the rest writes its own
 * policy and calls blueberryPolicyDecision from it instead.
 *
 * @public
 */
export class BlueberryPermissionPolicy implements PermissionPolicy {
  readonly #userInfo: UserInfoService;
  readonly #admins: string[];

  constructor(options: { userInfo: UserInfoService; admins?: string[] }) {
    this.#userInfo = options.userInfo;
    this.#admins = options.admins ?? [];
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const info =
      user && request.permission.name.startsWith(BLUEBERRY_PREFIX)
        ? await this.#userInfo.getUserInfo(user.credentials)
        : undefined;
    return (
      blueberryPolicyDecision(request, info, { admins: this.#admins }) ?? {
        result: AuthorizeResult.ALLOW,
      }
    );
  }
}
