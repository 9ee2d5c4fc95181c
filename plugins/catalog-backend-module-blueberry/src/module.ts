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
import { gitopsRepositoryServiceRef } from '@blueberry-idp/plugin-blueberry-node';
import { readCatalogModuleConfig } from './config';
import {
  ENVIRONMENT_ENTITIES_CHANGED_TOPIC,
  EnvironmentEntitiesChangedPayload,
} from './events';
import {
  BlueberryEnvironmentProvider,
  ComponentLookup,
} from './provider/BlueberryEnvironmentProvider';

/**
 * The scheduler task id of the full refresh.
 *
 * @public
 */
export const REFRESH_TASK_ID = 'blueberry-environments-refresh';

/**
 * Puts Blueberry environments in the catalog: one `Resource` of type `environment` per environment
 * folder on the GitOps branch (read through the GitOps repository layer: the local repository, or
 * GitLab's or GitHub's API), refreshed on a schedule, when the branch's head moves, and on the
 * events topic `blueberry.environments.changed`.
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
        repository: gitopsRepositoryServiceRef,
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
        repository,
      }) {
        const settings = readCatalogModuleConfig(config);

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
          repository,
          logger,
          lookupComponents,
          namespace: settings.namespace,
          argocd: settings.argocd,
          locationOf: settings.locationOf,
          taskRunner: scheduler.createScheduledTaskRunner(settings.schedule),
          taskId: REFRESH_TASK_ID,
          onChange: async ({ commit, changedRefs, removedRefs }) => {
            const eventPayload: EnvironmentEntitiesChangedPayload = {
              commit: commit ?? '',
              changedRefs,
              removedRefs,
            };
            await events.publish({
              topic: ENVIRONMENT_ENTITIES_CHANGED_TOPIC,
              eventPayload,
            });
          },
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
        // `git rev-parse` or one API request, and a replica that saw the commit refreshes at once.
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
