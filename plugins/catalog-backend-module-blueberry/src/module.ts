import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';

/**
 * Puts Blueberry environments in the catalog.
 *
 * @public
 */
export const catalogModuleBlueberry = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'blueberry',
  register(env) {
    env.registerInit({
      deps: { catalog: catalogProcessingExtensionPoint },
      async init() {},
    });
  },
});
