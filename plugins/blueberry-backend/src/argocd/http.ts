import http from 'node:http';
import https from 'node:https';

/** One request to send; the URL is always built by ArgoCdClient from fixed path templates. */
export interface HttpRequest {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
  /** Abort when no byte arrives for this long (whole request for plain calls, idle time for streams). */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  contentType: string;
  /** The `Retry-After` header, which Argo CD sends with 429 and 503. */
  retryAfter?: string;
  /** The body as a stream of chunks; the caller must consume or destroy it. */
  body: http.IncomingMessage;
}

export interface TransportOptions {
  /** PEM bundle of extra certificate authorities for https URLs. */
  caBundle?: string;
}

/**
 * Node's own http/https rather than fetch, because a custom CA bundle and idle timeouts on a long
 * stream need the socket-level options that fetch does not expose without extra dependencies.
 */
export function createTransport(options: TransportOptions) {
  const httpsAgent = new https.Agent({ keepAlive: true, ca: options.caBundle });
  const httpAgent = new http.Agent({ keepAlive: true });

  return function send(request: HttpRequest): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const isHttps = request.url.protocol === 'https:';
      const req = (isHttps ? https : http).request(request.url, {
        method: request.method,
        headers: request.headers,
        agent: isHttps ? httpsAgent : httpAgent,
        signal: request.signal,
      });
      req.setTimeout(request.timeoutMs, () => {
        req.destroy(new Error(`no answer within ${request.timeoutMs} ms`));
      });
      req.on('error', reject);
      req.on('response', res => {
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          retryAfter: res.headers['retry-after'],
          body: res,
        });
      });
      if (request.body !== undefined) req.write(request.body);
      req.end();
    });
  };
}

export type Transport = ReturnType<typeof createTransport>;

/** Reads a whole body, refusing more than `maxBytes` so a misbehaving server cannot exhaust memory. */
export async function readBody(
  res: http.IncomingMessage,
  maxBytes: number,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      res.destroy();
      throw new Error(`response larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
