/*
 * Blueberry's lean Backstage backend: the catalog, the scaffolder, search, permissions, signals and
 * notifications, guest sign-in, and the Blueberry plugins.
 */
import { createBackend } from '@backstage/backend-defaults';
import { blueberryModuleMergeRequestFeedback } from '@blueberry-idp/plugin-blueberry-backend-module-merge-request-events';
import { searchModuleBlueberryCollator } from '@blueberry-idp/plugin-catalog-backend-module-blueberry';
import { localBlueprintFilesUrlReader } from './modules/localBlueprintFiles';
import { signalsModuleUpgradeWarmup } from './modules/signalsUpgradeWarmup';

const backend = createBackend();

// Blueprints beside file locations of the catalog (the embedded default's example shop).
backend.add(localBlueprintFilesUrlReader);

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);

backend.add(import('@backstage/plugin-permission-backend'));
// Blueberry's policy, in place of allow-all: the owners of an environment's source entity may
// change it, everyone who can read the entity may read it (plugins/permission-backend-module-
// blueberry-policy). Other plugins' permissions stay allowed, as before.
backend.add(
  import('@blueberry-idp/plugin-permission-backend-module-blueberry-policy'),
);

backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-gitlab'));

backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
// Indexes the blueberry.io/* labels, which the catalog collator leaves out by default.
backend.add(searchModuleBlueberryCollator);

backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@backstage/plugin-events-backend-module-gitlab'));
backend.add(import('@backstage/plugin-events-backend-module-github'));
backend.add(import('@backstage/plugin-signals-backend'));
// Without it the first browser after a backend start waits seconds for live updates (see the module).
backend.add(signalsModuleUpgradeWarmup);
backend.add(import('@backstage/plugin-notifications-backend'));

backend.add(import('@blueberry-idp/plugin-blueberry-backend'));
// Creates a merge request's environment when it opens with the configured label; removes it when
// GitLab or GitHub reports the merge request merged or closed.
backend.add(
  import('@blueberry-idp/plugin-blueberry-backend-module-merge-request-events'),
);
// Tells each merge request how its environment is doing (off unless blueberry.mergeRequests.feedback).
backend.add(blueberryModuleMergeRequestFeedback);
backend.add(
  import('@blueberry-idp/plugin-scaffolder-backend-module-blueberry'),
);
backend.add(import('@blueberry-idp/plugin-catalog-backend-module-blueberry'));

backend.start();
