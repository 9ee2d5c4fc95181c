import { TestApiProvider } from '@backstage/test-utils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { environmentSignalChannel } from '@blueberry-idp/plugin-blueberry-common';
import { act, renderHook } from '@testing-library/react';
import { PropsWithChildren } from 'react';
import { FakeSignalApi } from '../__testUtils__/FakeSignalApi';
import {
  FALLBACK_POLL_INTERVAL_MS,
  SETTLING_POLL_INTERVAL_MS,
  useLiveUpdates,
} from './useLiveUpdates';

const ENTITY = 'system:default/shop';

function withSignals(signals: FakeSignalApi) {
  return ({ children }: PropsWithChildren) => (
    <TestApiProvider apis={[[signalApiRef, signals]]}>
      {children}
    </TestApiProvider>
  );
}

describe('useLiveUpdates', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('refetches on a signal and does not poll while nothing settles', () => {
    const signals = new FakeSignalApi();
    const onChange = jest.fn();
    renderHook(() => useLiveUpdates(ENTITY, onChange), {
      wrapper: withSignals(signals),
    });

    act(() => jest.advanceTimersByTime(FALLBACK_POLL_INTERVAL_MS * 2));
    expect(onChange).not.toHaveBeenCalled();

    signals.publish(environmentSignalChannel(ENTITY), {
      environments: ['pr-1'],
    });
    expect(onChange).toHaveBeenCalledTimes(1);
  });

  it('also refetches while an environment settles, for a signal missed while the socket connects', () => {
    const signals = new FakeSignalApi();
    const onChange = jest.fn();
    const { rerender } = renderHook(
      ({ settling }) => useLiveUpdates(ENTITY, onChange, { settling }),
      { wrapper: withSignals(signals), initialProps: { settling: true } },
    );

    act(() => jest.advanceTimersByTime(SETTLING_POLL_INTERVAL_MS * 3));
    expect(onChange).toHaveBeenCalledTimes(3);

    rerender({ settling: false });
    act(() => jest.advanceTimersByTime(SETTLING_POLL_INTERVAL_MS * 3));
    expect(onChange).toHaveBeenCalledTimes(3);
  });

  it('polls gently without the signals plugin', () => {
    const onChange = jest.fn();
    renderHook(() => useLiveUpdates(ENTITY, onChange), {
      wrapper: ({ children }: PropsWithChildren) => (
        <TestApiProvider apis={[]}>{children}</TestApiProvider>
      ),
    });
    act(() => jest.advanceTimersByTime(FALLBACK_POLL_INTERVAL_MS * 2));
    expect(onChange).toHaveBeenCalledTimes(2);
  });
});
