/**
 * What the benchmark records inside the page, installed before the app's own scripts run (Playwright's
 * `addInitScript`). Every time is in the page's clock (`performance.now()`, 0 = navigation start).
 * Kept free of imports and helpers: Playwright sends the function's source text to the browser.
 */
export interface ProbeLog {
  /** Long tasks (over 50 ms on the main thread), the browser's measure of jank. */
  longTasks: { start: number; duration: number }[];
  /** Messages received on any WebSocket (the signals socket): when, and the text. */
  socketMessages: { at: number; data: string }[];
  /** When a WebSocket opened. */
  socketOpens: number[];
  /** Messages sent on any WebSocket: the signal channels the page subscribes to. */
  socketSends: { at: number; data: string }[];
  /** When the number of environment rows in the card last changed, and to what. */
  rowCounts: { at: number; count: number }[];
}

declare global {
  interface Window {
    blueberryProbe: ProbeLog;
    /** The update the benchmark waits for: when a row changed, and when it settled again. */
    blueberryUpdate: Promise<{ changedAt: number; settledAt: number }>;
  }
}

export function installProbe() {
  const log: ProbeLog = {
    longTasks: [],
    socketMessages: [],
    socketSends: [],
    socketOpens: [],
    rowCounts: [],
  };
  window.blueberryProbe = log;
  // The default buffer keeps 250 entries; a long run of refetches would overflow it.
  performance.setResourceTimingBufferSize(100_000);

  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) {
      log.longTasks.push({ start: entry.startTime, duration: entry.duration });
    }
  }).observe({ type: 'longtask', buffered: true });

  const NativeWebSocket = window.WebSocket;
  class RecordingWebSocket extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('open', () =>
        log.socketOpens.push(performance.now()),
      );
      this.addEventListener('message', event => {
        log.socketMessages.push({
          at: performance.now(),
          data: String(event.data),
        });
      });
    }

    send(data: string | ArrayBufferLike | Blob | ArrayBufferView) {
      log.socketSends.push({ at: performance.now(), data: String(data) });
      super.send(data);
    }
  }
  window.WebSocket = RecordingWebSocket;

  let lastCount = 0;
  new MutationObserver(() => {
    const count = document.querySelectorAll(
      '[data-testid^="environment-"]',
    ).length;
    if (count !== lastCount) {
      lastCount = count;
      log.rowCounts.push({ at: performance.now(), count });
    }
  }).observe(document, { childList: true, subtree: true });
}
