/* eslint-disable no-script-url -- hostile javascript: URLs are the input under test */
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { environmentSignalChannel } from '@blueberry-idp/plugin-blueberry-common';
import { Entity } from '@backstage/catalog-model';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { blueberryApiRef } from '../../api';
import {
  expiring,
  FakeBlueberryApi,
  healthy,
  makeEnvironment,
  manyEnvironments,
  midSync,
  shopEntity,
  shopResponse,
  unannotatedEntity,
} from '../../__testUtils__/fakeBlueberryApi';
import { FakeSignalApi } from '../../__testUtils__/FakeSignalApi';
import { EnvironmentsCard } from './EnvironmentsCard';

async function renderCard(
  api: FakeBlueberryApi,
  options: {
    entity?: Entity;
    signals?: FakeSignalApi;
    permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  } = {},
) {
  const apis: Array<[any, any]> = [
    [blueberryApiRef, api],
    [
      permissionApiRef,
      mockApis.permission({
        authorize: () => options.permission ?? AuthorizeResult.ALLOW,
      }),
    ],
  ];
  if (options.signals) apis.push([signalApiRef, options.signals]);
  return renderInTestApp(
    <TestApiProvider apis={apis as any}>
      <EntityProvider entity={options.entity ?? shopEntity}>
        <EnvironmentsCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

const rowNames = () =>
  screen
    .getAllByTestId(/^environment-/)
    .map(row => row.getAttribute('data-testid')!.replace('environment-', ''));

describe('EnvironmentsCard', () => {
  it('links only http(s) URLs: a data: URL is never an href, a javascript: one does not break the card', async () => {
    const hostile = {
      ...makeEnvironment('pr-666'),
      urls: [
        'javascript:alert(document.cookie)',
        'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
        'https://pr-666.shop.example.com',
      ],
      mergeRequestUrl: 'javascript:alert(1)',
      argocdUrl: 'data:text/html,<script>alert(1)</script>',
    };
    await renderCard(new FakeBlueberryApi(shopResponse({ items: [hostile] })));
    const row = await screen.findByTestId('environment-pr-666');
    const hrefs = within(row)
      .queryAllByRole('link')
      .map(link => link.getAttribute('href'));
    expect(hrefs).toEqual(['https://pr-666.shop.example.com']);
    expect(within(row).queryByText('Merge request')).not.toBeInTheDocument();
  });

  it("says which commit an environment runs, linked in the merge request's repository", async () => {
    const commit = 'def5678abc1234def5678abc1234def5678abc12';
    const following = {
      ...makeEnvironment('shop-pr-12', {}),
      mergeRequestUrl:
        'https://gitlab.example.com/shop/shop/-/merge_requests/12',
      commit,
    };
    await renderCard(
      new FakeBlueberryApi(shopResponse({ items: [following, healthy] })),
    );
    const row = await screen.findByTestId('environment-shop-pr-12');
    expect(row).toHaveTextContent('running def5678');
    const link = within(row).getByRole('link', {
      name: /^Commit def5678 that shop-pr-12 runs/,
    });
    expect(link).toHaveAttribute(
      'href',
      `https://gitlab.example.com/shop/shop/-/commit/${commit}`,
    );
    // One made from fixed components records no commit, and claims none.
    expect(
      screen.getByTestId(`environment-${healthy.name}`),
    ).not.toHaveTextContent('running');
  });

  it("says plainly when the merge request's head is ahead of what runs, and why", async () => {
    const runs = 'abc1234'.padEnd(40, 'a');
    const head = 'def5678'.padEnd(40, 'b');
    const why =
      "Image 127.0.0.1:7082/shop/backend:def5678 is not in the registry: 127.0.0.1:7082 has no manifest for tag 'def5678'";
    const mergeRequest = (n: number) =>
      `https://github.com/acme/shop/pull/${n}`;
    const stuck = {
      ...makeEnvironment('shop-pr-12'),
      mergeRequestUrl: mergeRequest(12),
      commit: runs,
      ahead: { sha: head, failure: why },
    };
    const moving = {
      ...makeEnvironment('shop-pr-13'),
      mergeRequestUrl: mergeRequest(13),
      commit: runs,
      ahead: { sha: head },
    };
    const current = {
      ...makeEnvironment('shop-pr-14'),
      mergeRequestUrl: mergeRequest(14),
      commit: head,
    };
    await renderCard(
      new FakeBlueberryApi(shopResponse({ items: [stuck, moving, current] })),
    );

    const stuckRow = await screen.findByTestId('environment-shop-pr-12');
    expect(stuckRow).toHaveTextContent('running abc1234');
    const said = within(stuckRow).getByRole('status');
    // The link adds core-components' "Opens in a new window" for screen readers after the SHA.
    expect(said).toHaveTextContent(/^head def5678\b/);
    expect(said).toHaveTextContent(`is ahead: ${why}`);
    expect(
      within(said).getByRole('link', {
        name: /^Head def5678 of the merge request of shop-pr-12/,
      }),
    ).toHaveAttribute('href', `https://github.com/acme/shop/commit/${head}`);

    expect(
      within(screen.getByTestId('environment-shop-pr-13')).getByRole('status'),
    ).toHaveTextContent(/^head def5678\b.* is ahead: being deployed$/);

    // Running the head: it says so, and nothing about being behind.
    const currentRow = screen.getByTestId('environment-shop-pr-14');
    expect(currentRow).toHaveTextContent('running def5678');
    expect(currentRow).not.toHaveTextContent('ahead');
    expect(within(currentRow).queryByRole('status')).toBeNull();
  });

  it('offers Keep on an expiring row, and shows the expiry the backend moved', async () => {
    // Nothing settling and signals on: the card does not poll, so only Keep's reload can show it.
    const api = new FakeBlueberryApi(
      shopResponse({ items: [healthy, expiring] }),
    );
    await renderCard(api, {
      // usePermission keeps decisions per resource for the whole process: an entity of its own.
      entity: {
        ...shopEntity,
        metadata: { ...shopEntity.metadata, name: 'shop-card-keep' },
      },
      signals: new FakeSignalApi(),
    });
    const row = await screen.findByTestId('environment-feature-search');
    expect(row).toHaveTextContent('expires in 5 hours');
    // Long-lived: nothing to keep.
    expect(
      within(screen.getByTestId('environment-main')).queryByRole('button', {
        name: 'Keep',
      }),
    ).toBeNull();
    await userEvent.click(
      await within(row).findByRole('button', { name: 'Keep' }),
    );
    await waitFor(() =>
      expect(
        screen.getByTestId('environment-feature-search'),
      ).toHaveTextContent(/expires in [23] days/),
    );
    expect(api.calls.keepEnvironment).toEqual([
      { instance: 'argocd-eu', name: 'feature-search' },
    ]);
  });

  it('offers no Keep to those not allowed to act on the environments', async () => {
    await renderCard(new FakeBlueberryApi(), {
      entity: {
        ...shopEntity,
        metadata: { ...shopEntity.metadata, name: 'shop-card-denied' },
      },
      permission: AuthorizeResult.DENY,
    });
    const row = await screen.findByTestId('environment-feature-search');
    expect(row).toHaveTextContent('expires in 5 hours');
    expect(within(row).queryByRole('button', { name: 'Keep' })).toBeNull();
  });

  it('lists every environment, what needs attention first', async () => {
    const api = new FakeBlueberryApi();
    await renderCard(api);
    await screen.findByTestId('environment-pr-102');
    expect(rowNames()).toEqual(['pr-102', 'pr-101', 'feature-search', 'main']);
    expect(api.calls.getEnvironments).toEqual(['component:default/shop']);
  });

  it('shows health and sync in words, the waves as progress, expiry and links', async () => {
    await renderCard(new FakeBlueberryApi());
    const degradedRow = await screen.findByTestId('environment-pr-102');
    expect(within(degradedRow).getByText('Degraded')).toBeInTheDocument();
    expect(within(degradedRow).getByText('Synced')).toBeInTheDocument();

    const syncing = screen.getByTestId('environment-pr-101');
    const waves = within(syncing).getByRole('progressbar', {
      name: 'Sync waves of pr-101',
    });
    expect(waves).toHaveAttribute('aria-valuenow', '2');
    expect(
      within(waves).getByLabelText('Wave 2 (Frontends): running, current'),
    ).toBeInTheDocument();
    expect(
      within(syncing).getByRole('link', { name: /^Merge request/ }),
    ).toHaveAttribute(
      'href',
      'https://gitlab.example.com/shop/shop/-/merge_requests/101',
    );
    expect(
      within(syncing).getByRole('link', { name: /^Open pr-101 in Argo CD/ }),
    ).toHaveAttribute(
      'href',
      'https://argocd.example.com/applications/argocd/pr-101',
    );
    expect(
      within(syncing).getByRole('link', {
        name: /^Preview https:\/\/pr-101\.shop\.example\.com/,
      }),
    ).toBeInTheDocument();

    const expiringRow = screen.getByTestId('environment-feature-search');
    expect(
      within(expiringRow).getByText('expires in 5 hours'),
    ).toBeInTheDocument();
    expect(
      within(screen.getByTestId('environment-main')).getByText('never'),
    ).toBeInTheDocument();
  });

  it('stays compact with 50 environments: ten rows, the rest behind "Show all"', async () => {
    await renderCard(
      new FakeBlueberryApi(shopResponse({ items: manyEnvironments(50) })),
    );
    await screen.findAllByTestId(/^environment-/);
    expect(rowNames()).toHaveLength(10);
    // The five degraded ones come first.
    expect(rowNames().slice(0, 5)).toEqual([
      'pr-1003',
      'pr-1013',
      'pr-1023',
      'pr-1033',
      'pr-1043',
    ]);
    await userEvent.click(
      screen.getByRole('button', { name: 'Show all 50 environments' }),
    );
    // Drawn a few rows per frame.
    await waitFor(() => expect(rowNames()).toHaveLength(50));
  });

  it('refetches when the backend signals a change on the entity channel', async () => {
    const api = new FakeBlueberryApi();
    const signals = new FakeSignalApi();
    await renderCard(api, { signals });
    await screen.findByTestId('environment-pr-101');
    expect(signals.channels()).toEqual([
      environmentSignalChannel('component:default/shop'),
    ]);
    expect(screen.getByText(/· live$/)).toBeInTheDocument();

    api.response = shopResponse({
      items: [makeEnvironment('pr-101'), healthy],
    });
    signals.publish(environmentSignalChannel('component:default/shop'), {
      type: 'environment.changed',
      name: 'pr-101',
    });

    await waitFor(() => expect(api.calls.getEnvironments).toHaveLength(2));
    await waitFor(() =>
      expect(
        screen.getByRole('progressbar', { name: 'Sync waves of pr-101' }),
      ).toHaveAttribute('aria-valuenow', '4'),
    );
    expect(rowNames()).toEqual(['main', 'pr-101']);
  });

  it('shows the one environment that changed among many (rows are memoised on what they show)', async () => {
    const items = manyEnvironments(12);
    const api = new FakeBlueberryApi(shopResponse({ items }));
    const signals = new FakeSignalApi();
    await renderCard(api, { signals });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Show all 12 environments' }),
    );
    await waitFor(() => expect(rowNames()).toHaveLength(12));
    const waves = (name: string) =>
      screen
        .getByRole('progressbar', { name: `Sync waves of ${name}` })
        .getAttribute('aria-valuetext');
    expect(waves('pr-1000')).toBe('4 of 4 waves done');

    // A live answer: every environment observed again (a new observedAt), one of them syncing.
    const observedAt = new Date().toISOString();
    api.response = shopResponse({
      items: items.map(environment =>
        environment.name === 'pr-1000'
          ? { ...midSync, name: 'pr-1000', application: 'pr-1000', observedAt }
          : { ...environment, observedAt },
      ),
    });
    signals.publish(environmentSignalChannel('component:default/shop'), {
      type: 'environment.changed',
      name: 'pr-1000',
    });

    await waitFor(() =>
      expect(waves('pr-1000')).toBe('2 of 4 waves done, wave 2 running'),
    );
    expect(waves('pr-1001')).toBe('4 of 4 waves done');
  });

  it('shows what Argo CD still has of an environment being deleted, and a stuck deletion first', async () => {
    const minutesAgo = (minutes: number) =>
      new Date(Date.now() - minutes * 60_000).toISOString();
    const deleting = {
      ...makeEnvironment('pr-201'),
      deletingSince: minutesAgo(1),
    };
    // Argo CD pruned all but the Namespace, which a finalizer holds.
    const stuckEnvironment = makeEnvironment('pr-202');
    const stuck = {
      ...stuckEnvironment,
      deletingSince: minutesAgo(45),
      waves: stuckEnvironment.waves
        .map(wave => ({
          ...wave,
          resources: wave.resources.filter(r => r.kind === 'Namespace'),
        }))
        .filter(wave => wave.resources.length > 0),
    };
    await renderCard(
      new FakeBlueberryApi(shopResponse({ items: [healthy, deleting, stuck] })),
    );
    const deletingRow = await screen.findByTestId('environment-pr-201');
    const total = deleting.waves.flatMap(w => w.resources).length;
    expect(
      within(deletingRow).getByText(`Deleting: ${total} resources left`),
    ).toBeInTheDocument();
    expect(
      within(screen.getByTestId('environment-pr-202')).getByText(
        'Deletion stuck since 45 minutes ago: 1 resource left',
      ),
    ).toBeInTheDocument();
    expect(rowNames()).toEqual(['pr-202', 'pr-201', 'main']);
  });

  it('says it polls when the app has no signals', async () => {
    await renderCard(new FakeBlueberryApi());
    expect(
      await screen.findByText(/refreshing every 30 s$/),
    ).toBeInTheDocument();
  });

  it('warns when an instance is unreachable and environments are stale', async () => {
    await renderCard(
      new FakeBlueberryApi(
        shopResponse({
          items: [{ ...midSync, stale: true }],
          errors: [
            {
              instance: 'argocd-eu',
              message: 'connect ECONNREFUSED 10.0.0.7:443',
            },
          ],
        }),
      ),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Argo CD instance argocd-eu is unreachable: connect ECONNREFUSED 10.0.0.7:443',
    );
  });

  it('explains the annotation when the entity has none', async () => {
    const api = new FakeBlueberryApi();
    await renderCard(api, { entity: unannotatedEntity });
    expect(
      await screen.findByText('blueberry.io/app', { selector: 'code' }),
    ).toBeInTheDocument();
    expect(api.calls.getEnvironments).toEqual([]);
  });

  it('offers the template when there are no environments yet', async () => {
    await renderCard(new FakeBlueberryApi(shopResponse({ items: [] })));
    expect(await screen.findByText('No environments yet')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Create environment' }),
    ).toHaveAttribute(
      'href',
      // The entity filled in: its blueprint gives the components.
      `/create/templates/default/create-environment?formData=${encodeURIComponent(
        JSON.stringify({ entity: 'component:default/shop' }),
      )}`,
    );
  });

  it('shows a backend error in a response error panel', async () => {
    const api = new FakeBlueberryApi();
    api.failWith = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'NotAllowedError',
            message: 'You may not read environments',
          },
          request: { method: 'GET', url: '/environments' },
          response: { statusCode: 403 },
        }),
        {
          status: 403,
          statusText: 'Forbidden',
          headers: { 'content-type': 'application/json' },
        },
      ) as any,
    );
    await renderCard(api);
    expect(
      await screen.findByText('You may not read environments', {
        selector: 'p',
      }),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/403/).length).toBeGreaterThan(0);
  });
});
