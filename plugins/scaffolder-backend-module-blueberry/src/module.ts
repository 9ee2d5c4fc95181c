import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  BlueprintReader,
  ChartAvailability,
  gitopsRepositoryServiceRef,
  OciRegistryClient,
  readGitopsRenderOptions,
} from '@blueberry-idp/plugin-blueberry-node';
import {
  createBlueberryEnvironmentCreateAction,
  createBlueberryEnvironmentDestroyAction,
  createBlueberryGitopsProposeAction,
} from './actions';
import { EnvironmentOwnership } from './actions/environmentOwnership';

/**
 * Adds Blueberry's environment actions to the scaffolder: `blueberry:environment:create`,
 * `blueberry:environment:destroy` and `blueberry:gitops:propose`, the last two on the GitOps
 * repository `blueberry.gitops` names (`gitopsRepositoryServiceRef`: local, GitLab or GitHub).
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
        auth: coreServices.auth,
        urlReader: coreServices.urlReader,
        repository: gitopsRepositoryServiceRef,
      },
      async init({
        scaffolder,
        config,
        permissions,
        auth,
        urlReader,
        repository,
      }) {
        const settings = readGitopsRenderOptions(config);
        const ownership = new EnvironmentOwnership({ permissions, repository });
        scaffolder.addActions(
          createBlueberryEnvironmentCreateAction({
            render: settings?.render,
            ownership,
            // With the credentials of blueberry.registries for charts in OCI registries.
            charts:
              settings?.checkCharts !== false
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
          createBlueberryGitopsProposeAction({ repository, ownership, auth }),
        );
      },
    });
  },
});
