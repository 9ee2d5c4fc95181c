import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { BlueberryClient, blueberryApiRef } from './api';

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
