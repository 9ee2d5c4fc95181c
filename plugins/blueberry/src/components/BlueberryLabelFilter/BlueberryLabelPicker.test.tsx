import { Entity } from '@backstage/catalog-model';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  catalogApiMock,
  MockEntityListContextProvider,
} from '@backstage/plugin-catalog-react/testUtils';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { BlueberryLabelPicker } from './BlueberryLabelPicker';
import {
  BlueberryEnvironmentFilter,
  BlueberryLabelFilter,
  BlueberryOwnerFilter,
} from './filters';

const environment = (name: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name,
    labels: { 'blueberry.io/environment': name, 'blueberry.io/owner': owner },
  },
  spec: { type: 'environment' },
});

describe('BlueberryLabelFilter', () => {
  it('asks the catalog backend for the label and says the same for loaded entities', () => {
    const filter = new BlueberryOwnerFilter(['team-shop', 'team-pay']);
    expect(filter.getCatalogFilters()).toEqual({
      'metadata.labels.blueberry.io/owner': ['team-shop', 'team-pay'],
    });
    expect(filter.filterEntity(environment('pr-1', 'team-pay'))).toBe(true);
    expect(filter.filterEntity(environment('pr-2', 'team-ops'))).toBe(false);
    expect(
      new BlueberryLabelFilter('blueberry.io/type', ['feature']).filterEntity(
        environment('pr-3', 'team-shop'),
      ),
    ).toBe(false);
    expect(filter.toQueryValue()).toEqual(['team-shop', 'team-pay']);
  });
});

describe('BlueberryLabelPicker', () => {
  const facets: Record<string, Array<{ value: string; count: number }>> = {
    'metadata.labels.blueberry.io/environment': [
      { value: 'pr-123', count: 1 },
      { value: 'feature-x', count: 1 },
    ],
    'metadata.labels.blueberry.io/type': [{ value: 'pull-request', count: 1 }],
    // No owners among the entities of the selected kind: that picker stays hidden.
    'metadata.labels.blueberry.io/owner': [],
  };
  const catalogApi = catalogApiMock.mock({
    getEntityFacets: jest.fn(async ({ facets: asked }) => ({
      facets: Object.fromEntries(asked.map(f => [f, facets[f] ?? []])),
    })),
  });

  it('offers the label values the catalog holds and filters by the one picked', async () => {
    const updateFilters = jest.fn();
    await renderInTestApp(
      <TestApiProvider apis={[[catalogApiRef, catalogApi]]}>
        <MockEntityListContextProvider value={{ updateFilters }}>
          <BlueberryLabelPicker />
        </MockEntityListContextProvider>
      </TestApiProvider>,
    );

    const input = await screen.findByRole('textbox', { name: 'Environment' });
    expect(
      screen.getByRole('textbox', { name: 'Environment type' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('textbox', { name: 'Environment owner' }),
    ).toBeNull();

    await userEvent.click(input);
    await userEvent.click(
      await screen.findByRole('option', { name: /pr-123/ }),
    );

    await waitFor(() =>
      expect(updateFilters).toHaveBeenCalledWith({
        blueberryEnvironment: expect.any(BlueberryEnvironmentFilter),
      }),
    );
    const picked = updateFilters.mock.calls
      .map(([call]) => call.blueberryEnvironment)
      .filter(Boolean)
      .pop();
    expect(picked.getCatalogFilters()).toEqual({
      'metadata.labels.blueberry.io/environment': ['pr-123'],
    });
  });
});
