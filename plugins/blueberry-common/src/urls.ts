/**
 * A URL that may become a link in the browser: an absolute `http:` or `https:` URL as the WHATWG
 * parser (the browser's own) reads it, returned as given; undefined for anything else. Argo CD's `externalURLs` and the merge request
 * annotation come from Kubernetes objects that chart authors and callers write: a `javascript:` or
 * `data:` URL must never reach an `href`.
 *
 * @public
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

/**
 * The values of `values` that are safe links (see safeHttpUrl), in order.
 *
 * @public
 */
export function safeHttpUrls(values: readonly unknown[]): string[] {
  return values.flatMap(value => safeHttpUrl(value) ?? []);
}

const COMMIT_SHA = /^[0-9a-f]{40}$/;

/**
 * The web page of a commit of the merge request's repository: GitHub's `/pull/<n>` becomes
 * `/commit/<sha>`, GitLab's `/-/merge_requests/<n>` becomes `/-/commit/<sha>`. Undefined for other
 * hosts' URLs, unsafe ones (see safeHttpUrl) and anything but a full SHA.
 *
 * @public
 */
export function commitUrl(
  mergeRequestUrl: unknown,
  sha: unknown,
): string | undefined {
  const safe = safeHttpUrl(mergeRequestUrl);
  if (!safe || typeof sha !== 'string' || !COMMIT_SHA.test(sha))
    return undefined;
  const url = new URL(safe);
  const gitlab = /^(.*)\/-\/merge_requests\/\d+\/?$/.exec(url.pathname);
  const github = /^(\/[^/]+\/[^/]+)\/pull\/\d+\/?$/.exec(url.pathname);
  if (gitlab) return `${url.origin}${gitlab[1]}/-/commit/${sha}`;
  if (github) return `${url.origin}${github[1]}/commit/${sha}`;
  return undefined;
}
