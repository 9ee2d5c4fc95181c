import { createPermission } from '@backstage/plugin-permission-common';

/** Reading an entity's environments. Checked per catalog entity. */
export const blueberryEnvironmentReadPermission = createPermission({
  name: 'blueberry.environment.read',
  attributes: { action: 'read' },
  resourceType: 'catalog-entity',
});

/** Refreshing or syncing an environment in Argo CD, and keeping it past its expiry. */
export const blueberryEnvironmentSyncPermission = createPermission({
  name: 'blueberry.environment.sync',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/** Every permission Blueberry defines, for registration with the permissions registry. */
export const blueberryPermissions = [
  blueberryEnvironmentReadPermission,
  blueberryEnvironmentSyncPermission,
];
