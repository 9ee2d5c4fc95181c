import type express from 'express';
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
class PreparedJson {
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

/**
 * Prepared once per answer object: a service that hands back the same object while it is unchanged
 * (EnvironmentService.environmentsFor) gets it serialised, hashed and gzipped once, and the
 * preparation goes when the object does.
 */
const prepared = new WeakMap<object, PreparedJson>();

/**
 * Sends `value` as JSON prepared once (see PreparedJson), without Express's `send`, which would look
 * up the type, measure and check freshness again on every view. `no-cache` makes browsers
 * revalidate, so a repeated view of an unchanged answer is a 304 without a body. The compression
 * middleware leaves a body with a Content-Encoding alone.
 */
export async function sendPreparedJson(
  req: express.Request,
  res: express.Response,
  value: object,
): Promise<void> {
  let json = prepared.get(value);
  if (!json) {
    json = new PreparedJson(value);
    prepared.set(value, json);
  }
  const gzipped = req.acceptsEncodings('gzip', 'identity') === 'gzip';
  const answer = gzipped ? await json.gzipped() : json;
  res.vary('Accept-Encoding');
  res.setHeader('ETag', answer.etag);
  res.setHeader('Cache-Control', 'private, no-cache');
  if (req.fresh) {
    res.statusCode = 304;
    res.end();
    return;
  }
  if (gzipped) res.setHeader('Content-Encoding', 'gzip');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', answer.body.length);
  res.end(answer.body);
}
