import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

/**
 * A JSON answer prepared once for every view that gets it: encoded to UTF-8 (Express would encode a
 * string again on every send), tagged (Express would hash the body on every send) and, when a client
 * accepts it, gzipped once (the backend's compression middleware would gzip it on every send, which
 * costs more than everything else a view does).
 */
export class SerializedAnswer {
  readonly body: Buffer;
  /** A strong entity tag of the JSON, for conditional requests (`If-None-Match`). */
  readonly etag: string;
  #gzipped?: Promise<{ body: Buffer; etag: string }>;

  constructor(value: unknown) {
    this.body = Buffer.from(JSON.stringify(value));
    this.etag = `"${createHash('sha1').update(this.body).digest('base64url')}"`;
  }

  /** The body gzipped, on the thread pool and once; its tag differs, as RFC 9110 asks of encodings. */
  gzipped(): Promise<{ body: Buffer; etag: string }> {
    this.#gzipped ??= gzipAsync(this.body).then(body => ({
      body,
      etag: `${this.etag.slice(0, -1)}-gzip"`,
    }));
    return this.#gzipped;
  }
}
