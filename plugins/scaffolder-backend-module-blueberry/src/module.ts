import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { ChartAvailability } from '@blueberry-idp/plugin-blueberry-node';
import {
  createBlueberryEnvironmentCreateAction,
  createBlueberryEnvironmentDestroyAction,
  createBlueberryGitopsCommitAction,
} from './actions';
import {
  EnvironmentOwnership,
  gitopsReaderFromConfig,
} from './actions/environmentOwnership';
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
        permissions: coreServices.permissions,
      },
      async init({ scaffolder, config, permissions }) {
        const gitops = readBlueberryGitopsConfig(config);
        const ownership = new EnvironmentOwnership({
          permissions,
          repository: gitopsReaderFromConfig(config),
        });
        scaffolder.addActions(
          createBlueberryEnvironmentCreateAction({
            gitops,
            ownership,
            // With the credentials of blueberry.registries for charts in OCI registries.
            charts:
              gitops.checkCharts !== false
                ? ChartAvailability.fromConfig(config)
                : undefined,
          }),
          createBlueberryEnvironmentDestroyAction({ ownership }),
          createBlueberryGitopsCommitAction({ gitops, ownership }),
        );
      },
    });
  },
});
