import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import {
  degraded,
  healthy,
  midSync,
} from '../../__testUtils__/fakeBlueberryApi';
import { WaveStrip } from './WaveStrip';

describe('WaveStrip', () => {
  it('shows a sync at wave 2 as progress: two waves done, wave 2 running and marked current', async () => {
    await renderInTestApp(<WaveStrip environment={midSync} />);
    const bar = screen.getByRole('progressbar', {
      name: 'Sync waves of pr-101',
    });
    expect(bar).toHaveAttribute('aria-valuenow', '2');
    expect(bar).toHaveAttribute('aria-valuemax', '4');
    expect(bar).toHaveAttribute(
      'aria-valuetext',
      '2 of 4 waves done, wave 2 running',
    );
    const waves = within(bar).getAllByRole('listitem');
    expect(waves.map(w => w.getAttribute('aria-label'))).toEqual([
      'Wave 0 (Namespace, Redis, ConfigMaps): done',
      'Wave 1 (Backend): done',
      'Wave 2 (Frontends): running, current',
      'Wave 3 (Ingresses): waiting',
    ]);
  });

  it('shows the failed wave of a Degraded environment, and a healthy one complete', async () => {
    await renderInTestApp(
      <>
        <WaveStrip environment={degraded} />
        <WaveStrip environment={healthy} />
      </>,
    );
    const broken = screen.getByRole('progressbar', {
      name: 'Sync waves of pr-102',
    });
    expect(
      within(broken).getByLabelText('Wave 1 (Backend): failed'),
    ).toBeInTheDocument();
    const complete = screen.getByRole('progressbar', {
      name: 'Sync waves of main',
    });
    expect(complete).toHaveAttribute('aria-valuenow', '4');
  });
});
