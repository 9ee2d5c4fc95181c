/** The merge request an environment records (`blueberry.io/merge-request`), read from its URL. */
export interface MergeRequestLink {
  provider: 'github' | 'gitlab';
  /** The web host, which names the `integrations.github` / `integrations.gitlab` entry. */
  host: string;
  /** `acme/shop` (GitHub owner/repository) or `group/sub/project` (GitLab path). */
  project: string;
  number: number;
  url: string;
}

const GITHUB_PULL = /^\/([^/]+)\/([^/]+)\/pull\/(\d+)\/?$/;
const GITLAB_MERGE_REQUEST = /^\/(.+?)\/-\/merge_requests\/(\d+)\/?$/;

/**
 * Reads a pull request URL (`https://github.com/acme/shop/pull/12`) or a merge request URL
 * (`https://gitlab.example.com/group/shop/-/merge_requests/12`); undefined for anything else, so a
 * hand-written annotation can never point the writer at an arbitrary API path.
 */
export function parseMergeRequestUrl(
  url: string | null | undefined,
): MergeRequestLink | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return undefined;
  }
  const path = decodeURIComponent(parsed.pathname);
  const gitlab = GITLAB_MERGE_REQUEST.exec(path);
  if (gitlab) {
    return {
      provider: 'gitlab',
      host: parsed.host,
      project: gitlab[1],
      number: Number(gitlab[2]),
      url,
    };
  }
  const github = GITHUB_PULL.exec(path);
  if (github) {
    return {
      provider: 'github',
      host: parsed.host,
      project: `${github[1]}/${github[2]}`,
      number: Number(github[3]),
      url,
    };
  }
  return undefined;
}
