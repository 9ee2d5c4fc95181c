import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { ENVIRONMENTS_CHANGED_TOPIC } from '@blueberry-idp/plugin-blueberry-common';
import { readCatalogModuleConfig } from './config';
import { GitopsRepositoryReader } from './gitops/GitopsRepositoryReader';
import {
  BlueberryEnvironmentProvider,
  ComponentLookup,
} from './provider/BlueberryEnvironmentProvider';

/** The scheduler task id of the full refresh. */
export const REFRESH_TASK_ID = 'blueberry-environments-refresh';

/**
 * Puts Blueberry environments in the catalog: one `Resource` of type `environment` per environment
 * directory on the GitOps branch, refreshed on a schedule, when the branch moves, and on the events
 * topic `blueberry.environments.changed`.
 *
 * @public
 */
export const catalogModuleBlueberry = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'blueberry',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        auth: coreServices.auth,
        catalogApi: catalogServiceRef,
        events: eventsServiceRef,
      },
      async init({
        catalog,
        config,
        logger,
        scheduler,
        lifecycle,
        auth,
        catalogApi,
        events,
      }) {
        const settings = readCatalogModuleConfig(config);
        if (!settings.repositoryPath) {
          logger.warn(
            'blueberry.gitops.local.path is not set: no Blueberry environments are added to the catalog',
          );
          return;
        }

        const lookupComponents: ComponentLookup = async refs => {
          const { items } = await catalogApi.getEntitiesByRefs(
            {
              entityRefs: refs,
              fields: ['kind', 'metadata.namespace', 'metadata.name'],
            },
            { credentials: await auth.getOwnServiceCredentials() },
          );
          return new Set(
            items.flatMap(entity =>
              entity ? [stringifyEntityRef(entity)] : [],
            ),
          );
        };

        const provider = new BlueberryEnvironmentProvider({
          reader: new GitopsRepositoryReader({
            path: settings.repositoryPath,
            branch: settings.branch,
          }),
          logger,
          lookupComponents,
          namespace: settings.namespace,
          argocd: settings.argocd,
          taskRunner: scheduler.createScheduledTaskRunner(settings.schedule),
          taskId: REFRESH_TASK_ID,
        });
        catalog.addEntityProvider(provider);

        await events.subscribe({
          id: 'blueberry-environments',
          topics: [ENVIRONMENTS_CHANGED_TOPIC],
          onEvent: async () => {
            await provider.refresh();
          },
        });

        // The head check runs on every replica (a local timer, not a scheduled task): it is one
        // `git rev-parse`, and each replica reads its own clone.
        if (settings.headPollMs > 0) {
          let timer: NodeJS.Timeout | undefined;
          lifecycle.addStartupHook(() => {
            timer = setInterval(() => {
              provider
                .refreshIfChanged()
                .catch(error =>
                  logger.warn(
                    `Checking the GitOps branch for new commits failed: ${error}`,
                  ),
                );
            }, settings.headPollMs);
            timer.unref();
          });
          lifecycle.addShutdownHook(() => clearInterval(timer));
        }
      },
    });
  },
});
