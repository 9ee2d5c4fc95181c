import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import type { EnvironmentDriftResponse } from '@blueberry-idp/plugin-blueberry-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { blueberryApiRef } from '../../api';
import {
  FakeBlueberryApi,
  healthy,
} from '../../__testUtils__/fakeBlueberryApi';
import { environmentId } from '../../logic/attention';
import { EnvironmentDetails } from './EnvironmentDetails';

const KEY = { instance: healthy.instance, name: healthy.name };

const DIFF = [
  '--- git',
  '+++ live',
  '@@ -10,7 +10,7 @@',
  '   name: api',
  ' spec:',
  '-  replicas: 1',
  '+  replicas: 3',
  '   template:',
].join('\n');

async function renderDetails(drift?: EnvironmentDriftResponse) {
  const api = new FakeBlueberryApi();
  if (drift) api.drifts.set(environmentId(KEY), drift);
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [blueberryApiRef, api],
        [
          permissionApiRef,
          mockApis.permission({ authorize: () => AuthorizeResult.DENY }),
        ],
      ]}
    >
      <EnvironmentDetails
        entityRef="component:default/shop"
        environmentKey={KEY}
        detail={{ environment: healthy, loading: false }}
        onChanged={() => {}}
        onClose={() => {}}
      />
    </TestApiProvider>,
  );
  return {
    api,
    region: await screen.findByRole('region', { name: `Drift of ${KEY.name}` }),
  };
}

describe('EnvironmentDetails: drift', () => {
  it('says the cluster matches Git when nothing drifted', async () => {
    const { api, region } = await renderDetails();
    expect(
      await within(region).findByText('None: the cluster matches Git.'),
    ).toBeInTheDocument();
    expect(api.calls.getEnvironmentDrift).toEqual([KEY]);
  });

  it('lists the drifted resources, each diff on expand, and explains that self-heal puts them back', async () => {
    const { region } = await renderDetails({
      selfHeal: true,
      items: [
        {
          group: 'apps',
          kind: 'Deployment',
          namespace: 'blueberry-main',
          name: 'api',
          diff: DIFF,
        },
        {
          group: '',
          kind: 'ConfigMap',
          namespace: 'blueberry-main',
          name: 'settings',
          diff: '--- git\n+++ live',
        },
      ],
    });
    await within(region).findByText(
      /^Self-heal is on: Argo CD puts these resources back/,
    );
    const summary = within(region).getByRole('button', {
      name: 'Drift of Deployment blueberry-main/api',
    });
    expect(
      within(region).getByRole('button', {
        name: 'Drift of ConfigMap blueberry-main/settings',
      }),
    ).toBeInTheDocument();
    expect(within(region).queryByLabelText(/^Diff of /)).toBeNull();
    await userEvent.click(summary);
    const diff = await within(region).findByLabelText(
      'Diff of Deployment blueberry-main/api',
    );
    expect(Array.from(diff.children, line => line.textContent)).toEqual(
      DIFF.split('\n'),
    );
    // Read-only: the panel offers nothing that changes the cluster (the actions need a permission this user lacks).
    expect(
      within(region).queryByRole('button', { name: /sync|revert|apply/i }),
    ).toBeNull();
  });

  it('says a sync puts drift back when self-heal is off', async () => {
    const { region } = await renderDetails({
      selfHeal: false,
      items: [
        {
          group: 'apps',
          kind: 'Deployment',
          namespace: 'blueberry-main',
          name: 'api',
          diff: DIFF,
        },
      ],
    });
    expect(
      await within(region).findByText(
        /^Self-heal is off: these resources stay as they are until the environment is synced/,
      ),
    ).toBeInTheDocument();
  });
});
