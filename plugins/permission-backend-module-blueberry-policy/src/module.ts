import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { BlueberryPermissionPolicy } from './BlueberryPermissionPolicy';

/**
 * Installs BlueberryPermissionPolicy in the permission backend, in place of
 * `@backstage/plugin-permission-backend-module-allow-all-policy` (a backend has one policy).
 * Reads `blueberry.permissionPolicy.admins`.
 *
 * @public
 */
export const permissionModuleBlueberryPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'blueberry-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, config, userInfo }) {
        policy.setPolicy(
          new BlueberryPermissionPolicy({
            userInfo,
            admins:
              config.getOptionalStringArray(
                'blueberry.permissionPolicy.admins',
              ) ?? [],
          }),
        );
      },
    });
  },
});
