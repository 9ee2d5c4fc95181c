import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { environmentSignalChannel } from '@blueberry-idp/plugin-blueberry-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { blueberryApiRef } from '../../api';
import {
  degraded,
  expiring,
  FakeBlueberryApi,
  healthy,
  makeEnvironment,
  midSync,
  shopEntity,
  shopResponse,
  unannotatedEntity,
} from '../../__testUtils__/fakeBlueberryApi';
import { FakeSignalApi } from '../../__testUtils__/FakeSignalApi';
import { ArgoCdContent } from './ArgoCdContent';

async function renderTab(
  api: FakeBlueberryApi,
  options: {
    entity?: Entity;
    signals?: FakeSignalApi;
    permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  } = {},
) {
  const permissionRequests: unknown[] = [];
  const apis: Array<[any, any]> = [
    [blueberryApiRef, api],
    [
      permissionApiRef,
      mockApis.permission({
        authorize: request => {
          permissionRequests.push(request);
          return options.permission ?? AuthorizeResult.ALLOW;
        },
      }),
    ],
  ];
  if (options.signals) apis.push([signalApiRef, options.signals]);
  await renderInTestApp(
    <TestApiProvider apis={apis as any}>
      <EntityProvider entity={options.entity ?? shopEntity}>
        <ArgoCdContent />
      </EntityProvider>
    </TestApiProvider>,
  );
  return { permissionRequests };
}

const graphNode = (name: RegExp) => screen.getByRole('button', { name });

describe('ArgoCdContent', () => {
  it('draws the tree: root, environments, and the selected one down to its pods', async () => {
    const api = new FakeBlueberryApi();
    await renderTab(api);
    await screen.findByRole('button', {
      name: /^blueberry-root: Healthy · Synced$/,
    });
    expect(graphNode(/^pr-102: Degraded · Synced$/)).toBeInTheDocument();
    expect(graphNode(/^pr-101: Progressing · OutOfSync$/)).toBeInTheDocument();
    // Before it is expanded, an environment's node says where its sync is and what it runs.
    expect(
      within(graphNode(/^pr-101: /)).getByText('wave 2 of 3 · runs 4f2a9c1'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /^Wave 1 · Backend/ }),
    ).toBeNull();

    await userEvent.click(graphNode(/^pr-102:/));
    await screen.findByRole('button', {
      name: /^Pod shop-backend-7d9f8-x2kq1: Degraded$/,
    });
    expect(
      graphNode(/^Wave 1 · Backend: Degraded · Synced$/),
    ).toBeInTheDocument();
    expect(
      graphNode(/^Deployment shop-backend: Degraded · Synced$/),
    ).toBeInTheDocument();
    expect(
      graphNode(/^ReplicaSet shop-backend-7d9f8: Degraded$/),
    ).toBeInTheDocument();
    expect(api.calls.getEnvironment).toEqual([
      { instance: 'argocd-eu', name: 'pr-102' },
    ]);
  });

  it("says in the details what commit runs, and when the merge request's head is ahead of it and why", async () => {
    const runs = 'abc1234'.padEnd(40, 'a');
    const head = 'def5678'.padEnd(40, 'b');
    const why =
      "Image 127.0.0.1:7082/shop/backend:def5678 is not in the registry: 127.0.0.1:7082 has no manifest for tag 'def5678'";
    const stuck = {
      ...makeEnvironment('shop-pr-12'),
      mergeRequestUrl:
        'https://gitlab.example.com/shop/shop/-/merge_requests/12',
      commit: runs,
      ahead: { sha: head, failure: why },
    };
    const current = {
      ...makeEnvironment('shop-pr-14'),
      mergeRequestUrl:
        'https://gitlab.example.com/shop/shop/-/merge_requests/14',
      commit: head,
    };
    await renderTab(
      new FakeBlueberryApi(shopResponse({ items: [stuck, current] })),
    );

    await userEvent.click(
      await screen.findByRole('button', { name: /^shop-pr-12: / }),
    );
    const panel = await screen.findByRole('region', {
      name: 'Details of shop-pr-12',
    });
    expect(
      await within(panel).findByRole('link', {
        name: /^Commit abc1234 that shop-pr-12 runs/,
      }),
    ).toHaveAttribute(
      'href',
      `https://gitlab.example.com/shop/shop/-/commit/${runs}`,
    );
    const said = within(panel).getByRole('status');
    expect(said).toHaveTextContent(/^head def5678\b/);
    expect(said).toHaveTextContent(`is ahead: ${why}`);

    // The table's link selects it too (d3's drag handler cannot take a second click in jsdom).
    await userEvent.click(screen.getByRole('tab', { name: 'Table' }));
    await userEvent.click(screen.getByRole('button', { name: 'shop-pr-14' }));
    const next = await screen.findByRole('region', {
      name: 'Details of shop-pr-14',
    });
    expect(
      await within(next).findByRole('link', {
        name: /^Commit def5678 that shop-pr-14 runs/,
      }),
    ).toBeInTheDocument();
    expect(within(next).queryByText(/is ahead/)).toBeNull();
  });

  it('shows the tree as a table: environments, then resources grouped by wave', async () => {
    await renderTab(new FakeBlueberryApi());
    await userEvent.click(await screen.findByRole('tab', { name: 'Table' }));
    const table = screen.getByRole('table', { name: 'Environment tree' });
    const rows = within(table).getAllByTestId(/^tree-row-/);
    expect(rows.map(r => r.getAttribute('data-testid'))).toEqual([
      'tree-row-pr-102',
      'tree-row-pr-101',
      'tree-row-feature-search',
      'tree-row-main',
    ]);
    await userEvent.click(
      screen.getByRole('button', { name: 'Expand pr-101' }),
    );
    expect(within(table).getByText('Wave 2 · Frontends')).toBeInTheDocument();
    const deployment = within(table).getByRole('row', {
      name: /pr-101 Deployment storefront/,
    });
    expect(within(deployment).getByText('Progressing')).toBeInTheDocument();
    expect(within(deployment).getByText('storefront')).toBeInTheDocument();
  });

  it('filters by type, health and name', async () => {
    await renderTab(new FakeBlueberryApi());
    await userEvent.click(await screen.findByRole('tab', { name: 'Table' }));
    const names = () =>
      screen
        .queryAllByTestId(/^tree-row-/)
        .map(r => r.getAttribute('data-testid'));

    await userEvent.click(screen.getByRole('button', { name: 'Health' }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Degraded' }),
    );
    expect(names()).toEqual(['tree-row-pr-102']);

    await userEvent.click(screen.getByRole('button', { name: 'Health' }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'All health' }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Type' }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'long-lived' }),
    );
    expect(names()).toEqual(['tree-row-main']);

    await userEvent.click(screen.getByRole('button', { name: 'Type' }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'All types' }),
    );
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Name' }),
      'search',
    );
    expect(names()).toEqual(['tree-row-feature-search']);

    await userEvent.clear(screen.getByRole('textbox', { name: 'Name' }));
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Name' }),
      'nothing-like-this',
    );
    expect(
      screen.getByText('No environment matches the filters.'),
    ).toBeInTheDocument();
  });

  it('details a failing environment: messages down to the pod, revision, images', async () => {
    await renderTab(new FakeBlueberryApi());
    await userEvent.click(await screen.findByRole('tab', { name: 'Table' }));
    await userEvent.click(screen.getByRole('button', { name: 'pr-102' }));
    const details = await screen.findByRole('region', {
      name: 'Details of pr-102',
    });
    const failing = within(details).getByRole('list', {
      name: 'Failing resources',
    });
    expect(failing).toHaveTextContent(
      'Deployment "shop-backend" exceeded its progress deadline',
    );
    expect(failing).toHaveTextContent(
      'back-off 5m0s restarting failed container=backend',
    );
    expect(within(details).getByText('4f2a9c1')).toBeInTheDocument();
    expect(
      within(details).getByText(
        'registry.example.com/shop/shop-backend@sha256:dead',
      ),
    ).toBeInTheDocument();
  });

  it('shows Refresh and Sync to those allowed, and they reach the backend', async () => {
    const api = new FakeBlueberryApi();
    // An entity of its own: permission decisions are cached per resource across renders.
    const entity = {
      ...shopEntity,
      metadata: { ...shopEntity.metadata, name: 'shop-sync-allowed' },
    };
    const { permissionRequests } = await renderTab(api, {
      permission: AuthorizeResult.ALLOW,
      entity,
    });
    await userEvent.click(await screen.findByRole('tab', { name: 'Table' }));
    await userEvent.click(screen.getByRole('button', { name: 'pr-101' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Sync' }));
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() =>
      expect(api.calls.refreshEnvironment).toEqual([
        { instance: 'argocd-eu', name: 'pr-101' },
      ]),
    );
    expect(api.calls.syncEnvironment).toEqual([
      { instance: 'argocd-eu', name: 'pr-101' },
    ]);
    expect(permissionRequests).toContainEqual(
      expect.objectContaining({
        permission: expect.objectContaining({
          name: 'blueberry.environment.sync',
        }),
        resourceRef: 'component:default/shop-sync-allowed',
      }),
    );
  });

  it('keeps an expiring environment: after Keep the tab shows the expiry the backend moved', async () => {
    // Nothing settling and signals on: the tab does not poll, so only Keep's own reload can show it.
    const api = new FakeBlueberryApi(
      shopResponse({ items: [healthy, expiring] }),
    );
    const entity = {
      ...shopEntity,
      metadata: { ...shopEntity.metadata, name: 'shop-keep-allowed' },
    };
    await renderTab(api, {
      permission: AuthorizeResult.ALLOW,
      entity,
      signals: new FakeSignalApi(),
    });
    await userEvent.click(await screen.findByRole('tab', { name: 'Table' }));
    await userEvent.click(
      screen.getByRole('button', { name: 'feature-search' }),
    );
    const details = await screen.findByRole('region', {
      name: 'Details of feature-search',
    });
    expect(details).toHaveTextContent('expires in 5 hours');
    await userEvent.click(
      within(details).getByRole('button', { name: 'Keep' }),
    );
    // What the user sees: the tab loads the environment again and shows its new expiry (72 hours
    // on reads "in 2 days" a moment later: relativeTime truncates).
    await waitFor(() =>
      expect(
        screen.getByRole('region', { name: 'Details of feature-search' }),
      ).toHaveTextContent(/expires in [23] days/),
    );
    expect(api.calls.keepEnvironment).toEqual([
      { instance: 'argocd-eu', name: 'feature-search' },
    ]);
  });

  it('hides Refresh and Sync from those denied', async () => {
    // usePermission keeps decisions per resource for the whole process (SWR), so an entity the
    // other tests were allowed on would show its cached "allowed" until the new answer arrives.
    const entity = {
      ...shopEntity,
      metadata: { ...shopEntity.metadata, name: 'shop-sync-denied' },
    };
    const { permissionRequests } = await renderTab(new FakeBlueberryApi(), {
      permission: AuthorizeResult.DENY,
      entity,
    });
    await userEvent.click(await screen.findByRole('tab', { name: 'Table' }));
    await userEvent.click(screen.getByRole('button', { name: 'pr-101' }));
    await screen.findByRole('region', { name: 'Details of pr-101' });
    await waitFor(() =>
      expect(permissionRequests).toContainEqual(
        expect.objectContaining({
          resourceRef: 'component:default/shop-sync-denied',
        }),
      ),
    );
    expect(screen.queryByRole('button', { name: 'Sync' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Refresh' })).toBeNull();
  });

  it('warns that data is stale when an instance is unreachable', async () => {
    await renderTab(
      new FakeBlueberryApi(
        shopResponse({
          items: [{ ...degraded, stale: true }, midSync],
          errors: [
            { instance: 'argocd-eu', message: 'timeout after 10000 ms' },
          ],
        }),
      ),
    );
    const banner = await screen.findByRole('alert');
    expect(banner).toHaveTextContent(
      'Argo CD instance argocd-eu is unreachable: timeout after 10000 ms',
    );
    expect(banner).toHaveTextContent('1 environment is shown as last seen');
  });

  it('refetches the list and the open detail when a signal arrives', async () => {
    const api = new FakeBlueberryApi();
    const signals = new FakeSignalApi();
    await renderTab(api, { signals });
    await userEvent.click(await screen.findByRole('tab', { name: 'Table' }));
    await userEvent.click(screen.getByRole('button', { name: 'pr-101' }));
    await screen.findByRole('region', { name: 'Details of pr-101' });
    expect(screen.getByText('Live')).toBeInTheDocument();

    api.response = shopResponse({ items: [makeEnvironment('pr-101')] });
    signals.publish(environmentSignalChannel('component:default/shop'), {
      name: 'pr-101',
    });

    await waitFor(() => expect(api.calls.getEnvironments).toHaveLength(2));
    await waitFor(() => expect(api.calls.getEnvironment).toHaveLength(2));
    await waitFor(() =>
      expect(screen.queryAllByTestId(/^tree-row-/)).toHaveLength(1),
    );
  });

  it('explains the missing annotation', async () => {
    await renderTab(new FakeBlueberryApi(), { entity: unannotatedEntity });
    expect(
      await screen.findByText('blueberry.io/app', { selector: 'code' }),
    ).toBeInTheDocument();
  });

  it('offers the template when the entity has no environments yet', async () => {
    await renderTab(new FakeBlueberryApi(shopResponse({ items: [] })));
    expect(
      await screen.findByRole('button', { name: 'Create environment' }),
    ).toHaveAttribute(
      'href',
      // The entity filled in: its blueprint gives the components.
      `/create/templates/default/create-environment?formData=${encodeURIComponent(
        JSON.stringify({ entity: 'component:default/shop' }),
      )}`,
    );
  });

  it('shows a failed first fetch in an error panel', async () => {
    const api = new FakeBlueberryApi();
    api.failWith = new Error('Blueberry backend is down');
    await renderTab(api);
    expect(
      (await screen.findAllByText(/Blueberry backend is down/)).length,
    ).toBeGreaterThan(0);
  });
});
