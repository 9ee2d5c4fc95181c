import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogCollatorExtensionPoint } from '@backstage/plugin-search-backend-module-catalog';
import { blueberryCatalogCollatorEntityTransformer } from './entityTransformer';

/**
 * Makes the catalog collator index the `blueberry.io/*` labels (Backstage's collator leaves labels
 * out). Install it beside `@backstage/plugin-search-backend-module-catalog`.
 *
 * @public
 */
export const searchModuleBlueberryCollator = createBackendModule({
  pluginId: 'search',
  moduleId: 'blueberry-collator',
  register(env) {
    env.registerInit({
      deps: { collator: catalogCollatorExtensionPoint },
      async init({ collator }) {
        collator.setEntityTransformer(
          blueberryCatalogCollatorEntityTransformer,
        );
      },
    });
  },
});
