import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { BlueberryClient, blueberryApiRef } from './api';
import { blueberryLabelCatalogFilter } from './components/BlueberryLabelFilter/alpha';
import { isBlueberryAvailable } from './isBlueberryAvailable';

export { blueberryLabelCatalogFilter };

/** The client of Blueberry's backend. @alpha */
export const blueberryApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: blueberryApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new BlueberryClient(deps),
    }),
});

/** The environments card on the entity overview, for entities that name their environments. @alpha */
export const blueberryEnvironmentsCard = EntityCardBlueprint.make({
  name: 'environments',
  params: {
    filter: isBlueberryAvailable,
    loader: () =>
      import('./components/EnvironmentsCard').then(m => <m.EnvironmentsCard />),
  },
});

/** The entity page's "Argo CD" tab. @alpha */
export const blueberryArgoCdContent = EntityContentBlueprint.make({
  name: 'argocd',
  params: {
    path: 'argocd',
    title: 'Argo CD',
    filter: isBlueberryAvailable,
    loader: () =>
      import('./components/ArgoCdContent').then(m => <m.ArgoCdContent />),
  },
});

/** Blueberry's frontend plugin for the new frontend system. @alpha */
export default createFrontendPlugin({
  pluginId: 'blueberry',
  extensions: [
    blueberryApi,
    blueberryEnvironmentsCard,
    blueberryArgoCdContent,
    blueberryLabelCatalogFilter,
  ],
});
