import { createApp } from '@backstage/frontend-defaults';
import blueberryPlugin from '@blueberry-idp/plugin-blueberry/alpha';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import catalogGraphPlugin from '@backstage/plugin-catalog-graph/alpha';
import notificationsPlugin from '@backstage/plugin-notifications/alpha';
import orgPlugin from '@backstage/plugin-org/alpha';
import scaffolderPlugin from '@backstage/plugin-scaffolder/alpha';
import searchPlugin from '@backstage/plugin-search/alpha';
import signalsPlugin from '@backstage/plugin-signals/alpha';
import userSettingsPlugin from '@backstage/plugin-user-settings/alpha';
import { navModule } from './modules/nav';

export default createApp({
  features: [
    catalogPlugin,
    catalogGraphPlugin,
    // The bell and page where Blueberry's expiry warnings (and any other notification) are seen.
    notificationsPlugin,
    orgPlugin,
    scaffolderPlugin,
    searchPlugin,
    signalsPlugin,
    userSettingsPlugin,
    blueberryPlugin,
    navModule,
  ],
});
