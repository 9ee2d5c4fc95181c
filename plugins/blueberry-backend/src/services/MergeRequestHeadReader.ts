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

/** How long the heads behind one list answer are reused before they are read again. */
const HEADS_RECHECK_MS = 1000;

interface HintedAnswer {
  /** The hints as JSON, to tell a changed hint from the same one read again. */
  hints: string;
  response: EnvironmentsResponse;
}

/**
 * Whether a merge request's head is ahead of the commit its environment runs, and why: the events
 * module records the newest head each push named, and why the environment could not follow it
 * (an image not in the registry yet), in the plugin's cache, shared by every replica. This adds
 * that to the environments served, so the card can say it plainly. A lost or unreadable entry only
 * loses the hint: the environment is served as Argo CD has it.
 */
export class MergeRequestHeadReader {
  readonly #cache: Pick<CacheService, 'get'>;
  readonly #recheckMs: number;
  readonly #now: () => number;
  /**
   * Per list answer: when its heads were last read, and the answer with their hints (the same
   * object while the hints stay as they were, so an unchanged answer keeps its prepared JSON).
   */
  readonly #hinted = new WeakMap<
    EnvironmentsResponse,
    { checkedAt: number; answer: Promise<HintedAnswer> }
  >();

  constructor(
    cache: Pick<CacheService, 'get'>,
    options: { recheckMs?: number; now?: () => number } = {},
  ) {
    this.#cache = cache;
    this.#recheckMs = options.recheckMs ?? HEADS_RECHECK_MS;
    this.#now = options.now ?? Date.now;
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
   * A list answer with the hints. The heads behind one answer are read at most once per
   * `recheckMs`, however many views it serves (every view would otherwise be a cache read per
   * merge request: hundreds of Redis reads for a busy entity), and by one view at a time; the views
   * in between get the answer of the last read. That answer is the list answer itself when no head
   * is ahead, and the same hinted object while the hints stay as they were, so what callers derive
   * from it (its serialised JSON, its ETag) is reused as long as nothing they show changed.
   */
  async withHeadsIn(
    response: EnvironmentsResponse,
  ): Promise<EnvironmentsResponse> {
    const now = this.#now();
    const last = this.#hinted.get(response);
    if (last && now - last.checkedAt < this.#recheckMs) {
      return (await last.answer).response;
    }
    const answer = this.#hint(response, last?.answer);
    this.#hinted.set(response, { checkedAt: now, answer });
    return (await answer).response;
  }

  async #hint(
    response: EnvironmentsResponse,
    previous: Promise<HintedAnswer> | undefined,
  ): Promise<HintedAnswer> {
    const items = await this.withHeads(response.items);
    const hints = JSON.stringify(
      items.flatMap(e => (e.ahead ? [[e.instance, e.name, e.ahead]] : [])),
    );
    if (hints === '[]') return { hints, response };
    const before = await previous;
    if (before?.hints === hints) return before;
    return { hints, response: { ...response, items } };
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
