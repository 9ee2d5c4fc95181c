import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { HealthStatusLabel, SyncStatusLabel } from './StatusLabel';

describe('status labels', () => {
  it('say the status in words beside the icon, never by colour alone', async () => {
    await renderInTestApp(
      <>
        <HealthStatusLabel health="Degraded" />
        <SyncStatusLabel sync="OutOfSync" />
        <HealthStatusLabel health={null} />
      </>,
    );
    expect(screen.getByText('Degraded')).toBeInTheDocument();
    expect(
      screen.getByTitle('Health: Degraded').querySelector('svg'),
    ).not.toBeNull();
    expect(screen.getByText('OutOfSync')).toBeInTheDocument();
    expect(screen.getByTitle('No health')).toHaveTextContent('—');
  });
});
