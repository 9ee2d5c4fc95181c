import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import {
  degraded,
  healthy,
  shopResponse,
} from '../../__testUtils__/fakeBlueberryApi';
import { NoEnvironments, StaleBanner } from './EnvironmentStates';

describe('StaleBanner', () => {
  it('names the unreachable instance and how old the stale environments are', async () => {
    const twoMinutesAgo = new Date(Date.now() - 2 * 60 * 1000).toISOString();
    await renderInTestApp(
      <StaleBanner
        response={shopResponse({
          items: [
            { ...degraded, stale: true, observedAt: twoMinutesAgo },
            healthy,
          ],
          errors: [{ instance: 'argocd-eu', message: 'connect ECONNREFUSED' }],
        })}
      />,
    );
    const banner = screen.getByRole('alert');
    expect(banner).toHaveTextContent(
      'Argo CD instance argocd-eu is unreachable: connect ECONNREFUSED',
    );
    expect(banner).toHaveTextContent(
      '1 environment is shown as last seen 2 minutes ago',
    );
  });

  it('shows nothing when every instance answered', async () => {
    await renderInTestApp(<StaleBanner response={shopResponse()} />);
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('NoEnvironments', () => {
  it('links to the Create environment template', async () => {
    await renderInTestApp(<NoEnvironments />);
    expect(
      screen.getByRole('button', { name: 'Create environment' }),
    ).toHaveAttribute('href', '/create/templates/default/create-environment');
  });

  it('fills in the entity, and for one with a blueprint leaves the components to it', async () => {
    await renderInTestApp(
      <NoEnvironments
        target={{ entityRef: 'system:default/shop', hasBlueprint: true }}
      />,
    );
    const href = screen
      .getByRole('button', { name: 'Create environment' })
      .getAttribute('href')!;
    const url = new URL(href, 'http://localhost');
    expect(url.pathname).toBe('/create/templates/default/create-environment');
    expect(JSON.parse(url.searchParams.get('formData')!)).toEqual({
      entity: 'system:default/shop',
      components: [],
    });
  });
});
