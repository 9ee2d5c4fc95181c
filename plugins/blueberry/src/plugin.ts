import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { BlueberryClient, blueberryApiRef } from './api';
import { rootRouteRef } from './routes';

/** Blueberry's frontend plugin for the classic frontend system. @public */
export const blueberryPlugin = createPlugin({
  id: 'blueberry',
  apis: [
    createApiFactory({
      api: blueberryApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new BlueberryClient(deps),
    }),
  ],
  routes: { root: rootRouteRef },
});

/** The environments of an entity, for its overview page. @public */
export const EntityBlueberryEnvironmentsCard = blueberryPlugin.provide(
  createComponentExtension({
    name: 'EntityBlueberryEnvironmentsCard',
    component: {
      lazy: () =>
        import('./components/EnvironmentsCard').then(m => m.EnvironmentsCard),
    },
  }),
);

/** The entity page's "Argo CD" tab: the environment tree, filters, details, actions. @public */
export const EntityBlueberryContent = blueberryPlugin.provide(
  createRoutableExtension({
    name: 'EntityBlueberryContent',
    mountPoint: rootRouteRef,
    component: () =>
      import('./components/ArgoCdContent').then(m => m.ArgoCdContent),
  }),
);
