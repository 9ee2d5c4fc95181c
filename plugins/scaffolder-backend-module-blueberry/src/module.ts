import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';

/**
 * Adds Blueberry's environment actions to the scaffolder.
 *
 * @public
 */
export const scaffolderModuleBlueberry = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'blueberry',
  register(env) {
    env.registerInit({
      deps: { scaffolder: scaffolderActionsExtensionPoint },
      async init({ scaffolder }) {
        scaffolder.addActions();
      },
    });
  },
});
