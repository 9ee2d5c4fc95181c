import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  createBlueberryEnvironmentCreateAction,
  createBlueberryEnvironmentDestroyAction,
  createBlueberryGitopsCommitAction,
} from './actions';
import { readBlueberryGitopsConfig } from './config';

/**
 * Adds Blueberry's environment actions to the scaffolder: `blueberry:environment:create`,
 * `blueberry:environment:destroy` and `blueberry:gitops:commit`.
 *
 * @public
 */
export const scaffolderModuleBlueberry = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'blueberry',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ scaffolder, config }) {
        const gitops = readBlueberryGitopsConfig(config);
        scaffolder.addActions(
          createBlueberryEnvironmentCreateAction({ gitops }),
          createBlueberryEnvironmentDestroyAction(),
          createBlueberryGitopsCommitAction({ gitops }),
        );
      },
    });
  },
});
