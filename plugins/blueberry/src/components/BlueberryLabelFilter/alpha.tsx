import { CatalogFilterBlueprint } from '@backstage/plugin-catalog-react/alpha';

/**
 * The `blueberry.io/*` label filters on the catalog page (new frontend system).
 *
 * @alpha
 */
export const blueberryLabelCatalogFilter = CatalogFilterBlueprint.make({
  name: 'blueberry-labels',
  params: {
    loader: async () =>
      import('./BlueberryLabelPicker').then(m => <m.BlueberryLabelPicker />),
  },
});
