import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { catalogCollatorExtensionPoint } from '@backstage/plugin-search-backend-module-catalog';
import {
  ENVIRONMENT_ENTITIES_CHANGED_TOPIC,
  EnvironmentEntitiesChangedPayload,
} from '../events';
import { CatalogIndexTrigger } from './catalogIndexTrigger';
import { blueberryCatalogCollatorEntityTransformer } from './entityTransformer';

/**
 * Makes the catalog collator index the `blueberry.io/*` labels (Backstage's collator leaves labels
 * out), and runs the collator as soon as the catalog serves a new, changed or removed environment,
 * instead of at its next scheduled run. Install it beside
 * `@backstage/plugin-search-backend-module-catalog`.
 *
 * @public
 */
export const searchModuleBlueberryCollator = createBackendModule({
  pluginId: 'search',
  moduleId: 'blueberry-collator',
  register(env) {
    env.registerInit({
      deps: {
        collator: catalogCollatorExtensionPoint,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
        logger: coreServices.logger,
        events: eventsServiceRef,
      },
      async init({ collator, catalog, auth, scheduler, logger, events }) {
        collator.setEntityTransformer(
          blueberryCatalogCollatorEntityTransformer,
        );
        const trigger = new CatalogIndexTrigger({
          catalog,
          auth,
          scheduler,
          logger,
        });
        await events.subscribe({
          id: 'blueberry-search-environments',
          topics: [ENVIRONMENT_ENTITIES_CHANGED_TOPIC],
          onEvent: async ({ eventPayload }) => {
            // Not awaited: the wait for the catalog must not hold up the publisher's refresh.
            trigger
              .indexWhenServed(
                eventPayload as EnvironmentEntitiesChangedPayload,
              )
              .catch(error =>
                logger.warn(
                  `Could not index the changed Blueberry environments for search: ${error}`,
                ),
              );
          },
        });
      },
    });
  },
});
