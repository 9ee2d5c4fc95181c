import type { CacheService } from '@backstage/backend-plugin-api';
import type {
  Environment,
  EnvironmentHeadAhead,
  EnvironmentsResponse,
} from '@blueberry-idp/plugin-blueberry-common';

/**
 * The key and shape the merge request events module writes (its `MergeRequestHeads`, in the same
 * plugin's CacheService): `{ sha, failure: string | null }` per merge request URL. Both sides must
 * change together.
 */
const headKey = (mergeRequestUrl: string) =>
  `merge-request-head:${mergeRequestUrl}`;

/**
 * Whether a merge request's head is ahead of the commit its environment runs, and why: the events
 * module records the newest head each push named, and why the environment could not follow it
 * (an image not in the registry yet), in the plugin's cache, shared by every replica. This adds
 * that to the environments served, so the card can say it plainly. A lost or unreadable entry only
 * loses the hint: the environment is served as Argo CD has it.
 */
export class MergeRequestHeadReader {
  readonly #cache: Pick<CacheService, 'get'>;
  /** The last answer with hints per list answer, so an unchanged answer keeps its prepared JSON. */
  readonly #hinted = new WeakMap<
    EnvironmentsResponse,
    { hints: string; response: EnvironmentsResponse }
  >();

  constructor(cache: Pick<CacheService, 'get'>) {
    this.#cache = cache;
  }

  /**
   * The environments, each that runs a commit of its merge request and whose merge request has a
   * newer head given `ahead`; the others as they are. One cache read per merge request.
   */
  async withHeads(environments: Environment[]): Promise<Environment[]> {
    const urls = new Set(
      environments.flatMap(e =>
        e.commit && e.mergeRequestUrl ? [e.mergeRequestUrl] : [],
      ),
    );
    if (urls.size === 0) return environments;
    const heads = new Map(
      await Promise.all(
        [...urls].map(async url => [url, await this.#head(url)] as const),
      ),
    );
    return environments.map(environment => {
      const head = environment.mergeRequestUrl
        ? heads.get(environment.mergeRequestUrl)
        : undefined;
      // Only an environment that runs a commit of the merge request follows its head.
      if (!head || !environment.commit || head.sha === environment.commit)
        return environment;
      return { ...environment, ahead: head };
    });
  }

  /**
   * A list answer with the hints: the same object when no environment's head is ahead, and the same
   * hinted object while the hints stay as they were, so what callers derive from an answer (its
   * serialised JSON, its ETag) is reused as long as nothing they show changed.
   */
  async withHeadsIn(
    response: EnvironmentsResponse,
  ): Promise<EnvironmentsResponse> {
    const items = await this.withHeads(response.items);
    const hints = JSON.stringify(
      items.flatMap(e => (e.ahead ? [[e.instance, e.name, e.ahead]] : [])),
    );
    if (hints === '[]') return response;
    const last = this.#hinted.get(response);
    if (last?.hints === hints) return last.response;
    const hinted = { ...response, items };
    this.#hinted.set(response, { hints, response: hinted });
    return hinted;
  }

  async #head(url: string): Promise<EnvironmentHeadAhead | undefined> {
    let stored;
    try {
      stored = await this.#cache.get(headKey(url));
    } catch {
      // The cache (Redis) is down: the environments are still worth serving, without the hint.
      return undefined;
    }
    if (typeof stored !== 'object' || stored === null) return undefined;
    const { sha, failure } = stored as { sha?: unknown; failure?: unknown };
    if (typeof sha !== 'string' || !/^[0-9a-f]{40}$/.test(sha))
      return undefined;
    return typeof failure === 'string' && failure ? { sha, failure } : { sha };
  }
}
