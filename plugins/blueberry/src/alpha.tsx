import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { BlueberryClient, blueberryApiRef } from './api';
import { isBlueberryAvailable } from './isBlueberryAvailable';

const blueberryApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: blueberryApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new BlueberryClient(deps),
    }),
});

const environmentsCard = EntityCardBlueprint.make({
  name: 'environments',
  params: {
    filter: isBlueberryAvailable,
    loader: () =>
      import('./components/EnvironmentsCard').then(m => <m.EnvironmentsCard />),
  },
});

/** Blueberry's frontend plugin for the new frontend system. @alpha */
export default createFrontendPlugin({
  pluginId: 'blueberry',
  extensions: [blueberryApi, environmentsCard],
});
