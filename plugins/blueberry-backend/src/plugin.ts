import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { blueberryPermissions } from '@blueberry-idp/plugin-blueberry-common';
import { createRouter } from './router';

/**
 * Blueberry's backend plugin: serves the environments of catalog entities from Argo CD.
 *
 * @public
 */
export const blueberryPlugin = createBackendPlugin({
  pluginId: 'blueberry',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({ httpRouter, httpAuth, permissionsRegistry }) {
        permissionsRegistry.addPermissions(blueberryPermissions);
        httpRouter.use(await createRouter({ httpAuth }));
      },
    });
  },
});
