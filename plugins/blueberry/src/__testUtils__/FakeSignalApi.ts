import type { JsonObject } from '@backstage/types';
import type {
  SignalApi,
  SignalSubscriber,
} from '@backstage/plugin-signals-react';
import { act } from '@testing-library/react';

/** An in-memory signal bus: what the signals plugin delivers to the browser, published by the test. */
export class FakeSignalApi implements SignalApi {
  readonly #subscribers = new Map<string, Set<(message: JsonObject) => void>>();

  subscribe<TMessage extends JsonObject = JsonObject>(
    channel: string,
    onMessage: (message: TMessage) => void,
  ): SignalSubscriber {
    const set = this.#subscribers.get(channel) ?? new Set();
    const handler = onMessage as (message: JsonObject) => void;
    set.add(handler);
    this.#subscribers.set(channel, set);
    return { unsubscribe: () => set.delete(handler) };
  }

  /** Channels someone listens on. */
  channels(): string[] {
    return [...this.#subscribers].filter(([, s]) => s.size > 0).map(([c]) => c);
  }

  publish(channel: string, message: JsonObject): void {
    act(() => {
      for (const handler of this.#subscribers.get(channel) ?? [])
        handler(message);
    });
  }
}
