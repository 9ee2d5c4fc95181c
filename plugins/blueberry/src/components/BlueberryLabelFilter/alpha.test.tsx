import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  catalogApiMock,
  MockEntityListContextProvider,
} from '@backstage/plugin-catalog-react/testUtils';
import { screen } from '@testing-library/react';
import { blueberryLabelCatalogFilter } from './alpha';

describe('blueberryLabelCatalogFilter', () => {
  it('is a catalog filter extension that renders the label pickers', async () => {
    const tester = createExtensionTester(blueberryLabelCatalogFilter);
    expect(tester.snapshot()).toMatchObject({
      id: 'catalog-filter:blueberry-labels',
    });

    const catalogApi = catalogApiMock.mock({
      getEntityFacets: jest.fn(async ({ facets }) => ({
        facets: Object.fromEntries(
          facets.map(f => [f, [{ value: 'pr-123', count: 1 }]]),
        ),
      })),
    });
    renderInTestApp(
      <MockEntityListContextProvider>
        {tester.reactElement()}
      </MockEntityListContextProvider>,
      { apis: [[catalogApiRef, catalogApi]] },
    );
    expect(
      await screen.findByRole('textbox', { name: 'Environment owner' }),
    ).toBeInTheDocument();
  });
});
