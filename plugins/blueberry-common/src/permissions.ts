import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Blueberry's permissions. Every one is a `catalog-entity` resource permission: reads are checked on
 * the entity whose page asks, changes on the entity the environment records as its source
 * (`blueberry.io/source-entity`), so a policy can grant them to that entity's owners.
 */

/**
 * Reading an entity's environments. Checked per catalog entity.
 *
 * @public
 */
export const blueberryEnvironmentReadPermission = createPermission({
  name: 'blueberry.environment.read',
  attributes: { action: 'read' },
  resourceType: 'catalog-entity',
});

/**
 * Refreshing or syncing an environment in Argo CD, and keeping it past its expiry.
 *
 * @public
 */
export const blueberryEnvironmentSyncPermission = createPermission({
  name: 'blueberry.environment.sync',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/**
 * Replacing an environment's definition in the GitOps repository ("Create environment" with update).
 *
 * @public
 */
export const blueberryEnvironmentUpdatePermission = createPermission({
  name: 'blueberry.environment.update',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/**
 * Removing an environment from the GitOps repository ("Destroy environment").
 *
 * @public
 */
export const blueberryEnvironmentDestroyPermission = createPermission({
  name: 'blueberry.environment.destroy',
  attributes: { action: 'delete' },
  resourceType: 'catalog-entity',
});

/**
 * Rolling an environment back: one change to the GitOps repository restoring its folder to its files
 * at an earlier revision of its history.
 *
 * @public
 */
export const blueberryEnvironmentRollbackPermission = createPermission({
  name: 'blueberry.environment.rollback',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/**
 * Every permission Blueberry defines, for registration with the permissions registry.
 *
 * @public
 */
export const blueberryPermissions = [
  blueberryEnvironmentReadPermission,
  blueberryEnvironmentSyncPermission,
  blueberryEnvironmentUpdatePermission,
  blueberryEnvironmentDestroyPermission,
  blueberryEnvironmentRollbackPermission,
];
