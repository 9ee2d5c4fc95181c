import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import type { JSX } from 'react';
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
export const EntityBlueberryEnvironmentsCard: () => JSX.Element =
  blueberryPlugin.provide(
    createComponentExtension({
      name: 'EntityBlueberryEnvironmentsCard',
      component: {
        lazy: () =>
          import('./components/EnvironmentsCard').then(m => m.EnvironmentsCard),
      },
    }),
  );

/** The entity page's "Argo CD" tab: the environment tree, filters, details, actions. @public */
export const EntityBlueberryContent: () => JSX.Element =
  blueberryPlugin.provide(
    createRoutableExtension({
      name: 'EntityBlueberryContent',
      mountPoint: rootRouteRef,
      component: () =>
        import('./components/ArgoCdContent').then(m => m.ArgoCdContent),
    }),
  );
