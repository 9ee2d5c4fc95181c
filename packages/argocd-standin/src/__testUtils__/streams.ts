/** A watch stream read over real HTTP: every parsed message, with a way to wait for one. */
export interface StreamReader {
  messages: any[];
  /** Raw lines as received (for schema checks of what went over the wire). */
  raw: string[];
  /** Resolves with the first message (already received or coming) that satisfies the predicate. */
  waitFor(
    predicate: (message: any) => boolean,
    timeoutMs?: number,
  ): Promise<any>;
  /** Resolves when the server ends or drops the stream. */
  ended: Promise<void>;
  close(): void;
}

export async function openStream(
  url: string,
  init: { token: string; sse?: boolean },
): Promise<StreamReader> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: {
      authorization: `Bearer ${init.token}`,
      ...(init.sse ? { accept: 'text/event-stream' } : {}),
    },
    signal: controller.signal,
  });
  if (!response.ok || !response.body) {
    throw new Error(
      `stream failed: ${response.status} ${await response.text()}`,
    );
  }
  const messages: any[] = [];
  const raw: string[] = [];
  const waiters: Array<{
    predicate: (m: any) => boolean;
    resolve: (m: any) => void;
  }> = [];
  const deliver = (message: any) => {
    messages.push(message);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  };
  const ended = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    const separator = init.sse ? '\n\n' : '\n';
    try {
      for await (const chunk of response.body as any as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let at = buffer.indexOf(separator);
        while (at !== -1) {
          const frame = buffer.slice(0, at);
          buffer = buffer.slice(at + separator.length);
          at = buffer.indexOf(separator);
          if (init.sse) {
            if (frame.startsWith(':')) {
              raw.push(frame);
              continue;
            }
            const data = frame
              .split('\n')
              .filter(l => l.startsWith('data: '))
              .map(l => l.slice(6))
              .join('\n');
            raw.push(data);
            deliver(JSON.parse(data));
          } else if (frame.trim()) {
            raw.push(frame);
            deliver(JSON.parse(frame));
          }
        }
      }
    } catch {
      // aborted or dropped: `ended` resolves either way
    }
    if (buffer) raw.push(buffer);
  })();
  return {
    messages,
    raw,
    ended,
    waitFor(predicate, timeoutMs = 20000) {
      const found = messages.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        let timer: NodeJS.Timeout | undefined = undefined;
        const done = (m: any) => {
          clearTimeout(timer);
          resolve(m);
        };
        timer = setTimeout(() => {
          const at = waiters.findIndex(w => w.resolve === done);
          if (at >= 0) waiters.splice(at, 1);
          reject(
            new Error(
              `no matching stream message within ${timeoutMs} ms (${messages.length} received)`,
            ),
          );
        }, timeoutMs);
        waiters.push({ predicate, resolve: done });
      });
    },
    close: () => controller.abort(),
  };
}
