/**
 * A URL that may become a link in the browser: an absolute `http:` or `https:` URL as the WHATWG
 * parser (the browser's own) reads it, returned as given; undefined for anything else. Argo CD's `externalURLs` and the merge request
 * annotation come from Kubernetes objects that chart authors and callers write: a `javascript:` or
 * `data:` URL must never reach an `href`.
 */
export function safeHttpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2048) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return value;
}

/** The values of `values` that are safe links (see safeHttpUrl), in order. */
export function safeHttpUrls(values: readonly unknown[]): string[] {
  return values.flatMap(value => safeHttpUrl(value) ?? []);
}
