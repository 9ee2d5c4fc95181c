/**
 * Splits Argo CD's watch stream into JSON messages. With `Accept: text/event-stream` Argo CD sends
 * server-sent events (`data: {...}` then a blank line, plus keepalive comments); otherwise it sends
 * newline-delimited JSON. Both are handled so a proxy that rewrites the content type does no harm.
 */
export class StreamMessageSplitter {
  #buffer = '';
  #dataLines: string[] = [];
  readonly #sse: boolean;
  /** Refuse a single message larger than this, so a broken stream cannot grow memory without end. */
  readonly #maxMessageBytes: number;

  constructor(options: { sse: boolean; maxMessageBytes: number }) {
    this.#sse = options.sse;
    this.#maxMessageBytes = options.maxMessageBytes;
  }

  /** Feeds a chunk; returns the complete messages (raw JSON text) it finished. */
  push(chunk: string): string[] {
    this.#buffer += chunk;
    const messages: string[] = [];
    let newline = this.#buffer.indexOf('\n');
    while (newline !== -1) {
      const line = this.#buffer.slice(0, newline).replace(/\r$/, '');
      this.#buffer = this.#buffer.slice(newline + 1);
      const message = this.#sse
        ? this.#sseLine(line)
        : line.trim() || undefined;
      if (message !== undefined) messages.push(message);
      newline = this.#buffer.indexOf('\n');
    }
    const pending =
      this.#buffer.length + this.#dataLines.reduce((n, l) => n + l.length, 0);
    if (pending > this.#maxMessageBytes) {
      throw new Error(
        `stream message larger than ${this.#maxMessageBytes} bytes`,
      );
    }
    return messages;
  }

  #sseLine(line: string): string | undefined {
    if (line === '') {
      if (this.#dataLines.length === 0) return undefined;
      const data = this.#dataLines.join('\n');
      this.#dataLines = [];
      return data.trim() || undefined;
    }
    if (line.startsWith(':')) return undefined; // keepalive comment
    if (line.startsWith('data:')) {
      this.#dataLines.push(line.slice(5).replace(/^ /, ''));
    }
    // `event:`, `id:` and `retry:` carry nothing Argo CD uses.
    return undefined;
  }
}
