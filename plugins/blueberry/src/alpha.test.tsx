import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { screen } from '@testing-library/react';
import blueberryPlugin, {
  blueberryArgoCdContent,
  blueberryEnvironmentsCard,
} from './alpha';
import { blueberryApiRef } from './api';
import {
  FakeBlueberryApi,
  shopEntity,
  unannotatedEntity,
} from './__testUtils__/fakeBlueberryApi';

describe('the /alpha export', () => {
  it('is the blueberry plugin with the api, the card and the tab', () => {
    expect(blueberryPlugin.id).toBe('blueberry');
  });

  it('shows the card only on entities that name their environments, and renders it', async () => {
    const tester = createExtensionTester(blueberryEnvironmentsCard);
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction)!;
    expect(filter(shopEntity)).toBe(true);
    expect(filter(unannotatedEntity)).toBe(false);

    renderInTestApp(
      <EntityProvider entity={shopEntity}>
        {tester.reactElement()}
      </EntityProvider>,
      { apis: [[blueberryApiRef, new FakeBlueberryApi()]] },
    );
    expect(await screen.findByText('Environments')).toBeInTheDocument();
    expect(await screen.findByTestId('environment-pr-102')).toBeInTheDocument();
  });

  it('mounts the Argo CD tab at argocd, filtered, and renders the tree', async () => {
    const tester = createExtensionTester(blueberryArgoCdContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('argocd');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Argo CD');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(shopEntity)).toBe(true);
    expect(filter(unannotatedEntity)).toBe(false);

    renderInTestApp(
      <EntityProvider entity={shopEntity}>
        {tester.reactElement()}
      </EntityProvider>,
      { apis: [[blueberryApiRef, new FakeBlueberryApi()]] },
    );
    expect(
      // DependencyGraph loads its layout code lazily: give the first load time.
      await screen.findByRole(
        'button',
        { name: /^pr-101: Progressing · OutOfSync$/ },
        { timeout: 15_000 },
      ),
    ).toBeInTheDocument();
  });
});
