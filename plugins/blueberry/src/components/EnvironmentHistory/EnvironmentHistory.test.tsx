import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { blueberryApiRef } from '../../api';
import {
  FakeBlueberryApi,
  fakeRevision,
  makeHistory,
} from '../../__testUtils__/fakeBlueberryApi';
import { EnvironmentHistory } from './EnvironmentHistory';

const KEY = { instance: 'argocd-eu', name: 'pr-7' };

async function renderHistory(
  api: FakeBlueberryApi,
  permission:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
  // Permission decisions are cached per resource across renders: one entity per decision.
  entityRef = permission === AuthorizeResult.ALLOW
    ? 'component:default/shop'
    : 'component:default/denied-shop',
) {
  const permissionRequests: Array<{ permission: { name: string } }> = [];
  const onChanged = jest.fn();
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [blueberryApiRef, api],
        [
          permissionApiRef,
          mockApis.permission({
            authorize: request => {
              permissionRequests.push(request as any);
              return permission;
            },
          }),
        ],
      ]}
    >
      <EnvironmentHistory
        entityRef={entityRef}
        environmentKey={KEY}
        version={1}
        onChanged={onChanged}
      />
    </TestApiProvider>,
  );
  await screen.findByRole('button', { name: 'Change 0000003' });
  return { onChanged, permissionRequests };
}

const region = () => screen.getByRole('region', { name: 'History of pr-7' });
const changes = () =>
  within(region())
    .getAllByRole('button', { name: /^Change / })
    .map(b => b.getAttribute('aria-label'));

describe('EnvironmentHistory', () => {
  it('lists the changes newest first with who and when, the deployed one marked, the diff on expand', async () => {
    await renderHistory(new FakeBlueberryApi());

    expect(changes()).toEqual([
      'Change 0000003',
      'Change 0000002',
      'Change 0000001',
    ]);
    const newest = screen.getByRole('button', { name: 'Change 0000003' });
    expect(within(newest).getByText('Deployed now')).toBeInTheDocument();
    expect(within(newest).getByText(/user:default\/guest/)).toBeInTheDocument();
    const older = screen.getByRole('button', { name: 'Change 0000002' });
    expect(within(older).queryByText('Deployed now')).toBeNull();
    expect(within(older).getByText(/^deployed /)).toBeInTheDocument();

    expect(screen.queryByLabelText('Diff of 0000002')).toBeNull();
    await userEvent.click(older);
    const diff = await screen.findByLabelText('Diff of 0000002');
    expect(diff).toHaveTextContent(`+image: shop@sha256:${'2'.repeat(64)}`);
    expect(diff).toHaveTextContent(`-image: shop@sha256:${'1'.repeat(64)}`);
    expect(screen.getByText('Why: change 2')).toBeInTheDocument();
  });

  it('offers no rollback without blueberry.environment.rollback, and asks for it on the entity', async () => {
    const { permissionRequests } = await renderHistory(
      new FakeBlueberryApi(),
      AuthorizeResult.DENY,
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Change 0000001' }),
    );
    await screen.findByLabelText('Diff of 0000001');
    expect(
      screen.queryByRole('button', { name: 'Roll back to this' }),
    ).toBeNull();
    expect(permissionRequests).toContainEqual(
      expect.objectContaining({
        permission: expect.objectContaining({
          name: 'blueberry.environment.rollback',
        }),
        resourceRef: 'component:default/denied-shop',
      }),
    );
  });

  it('rolls back after a confirmation, shows the resulting commit and the history with it on top', async () => {
    const api = new FakeBlueberryApi();
    const { onChanged } = await renderHistory(api);
    // The deployed change has nothing to roll back to.
    await userEvent.click(
      screen.getByRole('button', { name: 'Change 0000003' }),
    );
    await screen.findByLabelText('Diff of 0000003');
    expect(
      screen.queryByRole('button', { name: 'Roll back to this' }),
    ).toBeNull();

    await userEvent.click(
      screen.getByRole('button', { name: 'Change 0000001' }),
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Roll back to this' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('Roll back pr-7 to 0000001?');
    expect(dialog).toHaveTextContent('undoing the 2 changes after it');

    // Cancel first: nothing is asked of the backend.
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Cancel' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.calls.rollbackEnvironment).toEqual([]);

    await userEvent.click(
      screen.getByRole('button', { name: 'Roll back to this' }),
    );
    await userEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Roll back',
      }),
    );

    expect(
      await screen.findByText(/Rolled back by commit/),
    ).toBeInTheDocument();
    expect(api.calls.rollbackEnvironment).toEqual([
      { key: KEY, revision: fakeRevision(1) },
    ]);
    // The restoring commit on top, deployed now.
    await waitFor(() =>
      expect(changes()).toEqual([
        'Change 00feed3',
        'Change 0000003',
        'Change 0000002',
        'Change 0000001',
      ]),
    );
    expect(
      within(screen.getByRole('button', { name: 'Change 00feed3' })).getByText(
        'Deployed now',
      ),
    ).toBeInTheDocument();
    expect(onChanged).toHaveBeenCalled();
  });

  it('says why a rollback was refused', async () => {
    const api = new FakeBlueberryApi();
    api.rollbackFailure = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'ConflictError',
            message:
              'The GitOps repository has uncommitted changes in environments/pr-7',
          },
          request: { method: 'POST', url: '/rollback' },
          response: { statusCode: 409 },
        }),
        { status: 409, headers: { 'content-type': 'application/json' } },
      ) as any,
    );
    await renderHistory(api);
    await userEvent.click(
      screen.getByRole('button', { name: 'Change 0000002' }),
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Roll back to this' }),
    );
    await userEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Roll back',
      }),
    );
    expect(
      await screen.findByText(/Could not roll back: .*uncommitted changes/),
    ).toBeInTheDocument();
  });

  it('pages: older changes on demand', async () => {
    const api = new FakeBlueberryApi();
    api.histories.set('argocd-eu/pr-7', makeHistory('pr-7', 25));
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [blueberryApiRef, api],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <EnvironmentHistory
          entityRef="component:default/shop"
          environmentKey={KEY}
          version={1}
          onChanged={() => {}}
        />
      </TestApiProvider>,
    );
    await screen.findByRole('button', { name: 'Change 0000019' });
    expect(changes()).toHaveLength(20);
    await userEvent.click(
      screen.getByRole('button', { name: 'Show older changes' }),
    );
    await waitFor(() => expect(changes()).toHaveLength(25));
    expect(changes()[24]).toBe('Change 0000001');
    expect(
      screen.queryByRole('button', { name: 'Show older changes' }),
    ).toBeNull();
    expect(api.calls.getEnvironmentHistory.map(c => c.cursor)).toEqual([
      undefined,
      fakeRevision(5),
    ]);
  });
});
