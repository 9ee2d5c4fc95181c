import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  BlueprintReader,
  ChartAvailability,
  OciRegistryClient,
} from '@blueberry-idp/plugin-blueberry-node';
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
        urlReader: coreServices.urlReader,
      },
      async init({ scaffolder, config, permissions, urlReader }) {
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
            // Entities' blueprints through the URL reader; their tags resolved with the
            // credentials of blueberry.registries.
            blueprints: {
              reader: BlueprintReader.fromConfig(config, { reader: urlReader }),
              registry: OciRegistryClient.fromConfig(config),
            },
          }),
          createBlueberryEnvironmentDestroyAction({ ownership }),
          createBlueberryGitopsCommitAction({ gitops, ownership }),
        );
      },
    });
  },
});
