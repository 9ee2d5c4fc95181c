import {
  BLUEBERRY_ANNOTATIONS,
  environmentApplicationPath,
} from '@blueberry-idp/plugin-blueberry-common';
import type { GitopsRepository } from '@blueberry-idp/plugin-blueberry-node';
import { parse } from 'yaml';
import { parseMergeRequestUrl } from './feedback/mergeRequestLink';

/** An environment that records a merge request, and the commit of it that it runs. */
export interface RecordedEnvironment {
  environment: string;
  commit?: string;
}

/** The merge request an environment records, as the key it is found by. */
interface Entry {
  /** `mergeRequestKey` of its `blueberry.io/merge-request`; undefined when it records none. */
  key?: string;
  commit?: string;
  /** The folder's newest commit when it was read (from `history`), once a look-up confirmed it. */
  revision?: string;
}

/** How long an index is trusted for environments whose folder a look-up did not confirm. */
export const DEFAULT_INDEX_TTL_MS = 10 * 60_000;

/**
 * One merge request, whatever spells its URL: provider, host, project and number (hosts and
 * paths compared case-insensitively, as GitLab and GitHub compare them). Undefined for a URL that
 * names no merge or pull request.
 */
export function mergeRequestKey(url: string | undefined): string | undefined {
  const link = parseMergeRequestUrl(url);
  if (!link) return undefined;
  return [
    link.provider,
    link.host.toLowerCase(),
    link.project.toLowerCase(),
    link.number,
  ].join('|');
}

/**
 * Which environment records which merge request (`blueberry.io/merge-request`), read from the
 * GitOps repository and kept between events, so an event does not read every environment's
 * Application (on GitLab or GitHub, several API calls per environment).
 *
 * Why this scheme, with only the methods `GitopsRepository` has (no "head of the branch"):
 * - every look-up lists the environments (one call): a folder that appeared is read, one that went
 *   is dropped (the index is built with one batched read of every Application, `readEnvironments`,
 *   instead of a read per environment), so creations and removals by anyone (a merged create merge request, the janitor,
 *   a person) are seen at once;
 * - an environment the index says records the merge request is confirmed before it is used: the
 *   folder's newest commit (`history`, limit 1) is compared with the one it was read at, and the
 *   Application read again when it moved (a merged update, a rollback): what an event acts on is
 *   never stale;
 * - what no look-up confirms, an environment whose Application was rewritten in place to record
 *   another merge request, is trusted for `ttlMs` at most, then everything is read again;
 * - our own changes (a removal, a template task) forget the environment, so it is read again.
 */
export class RecordedMergeRequests {
  readonly #repository: GitopsRepository;
  readonly #ttlMs: number;
  readonly #now: () => number;
  #entries = new Map<string, Entry>();
  #builtAt = 0;

  constructor(options: {
    repository: GitopsRepository;
    ttlMs?: number;
    /** The clock; a test may move it. */
    now?: () => number;
  }) {
    this.#repository = options.repository;
    this.#ttlMs = options.ttlMs ?? DEFAULT_INDEX_TTL_MS;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The environments that record the merge request at `url` (normally one), each with the commit
   * it runs, as the followed branch holds them now.
   */
  async environmentsOf(url: string): Promise<RecordedEnvironment[]> {
    const key = mergeRequestKey(url);
    if (!key) return [];
    const names = await this.#refresh();
    const found: RecordedEnvironment[] = [];
    for (const environment of names) {
      if (this.#entries.get(environment)?.key !== key) continue;
      const entry = await this.#confirm(environment);
      if (entry.key === key) found.push({ environment, commit: entry.commit });
    }
    return found;
  }

  /** Whether an environment of that name is on the followed branch now. */
  async exists(environment: string): Promise<boolean> {
    return (await this.#repository.listEnvironments()).includes(environment);
  }

  /** Our own change to the environment: it is read again by the next look-up. */
  forget(environment: string): void {
    this.#entries.delete(environment);
  }

  /** The environments listed now; the entries of those not read yet (or any, once stale) read. */
  async #refresh(): Promise<string[]> {
    const names = await this.#repository.listEnvironments();
    if (this.#now() - this.#builtAt > this.#ttlMs) {
      this.#entries = new Map();
      this.#builtAt = this.#now();
    }
    const listed = new Set(names);
    for (const environment of [...this.#entries.keys()]) {
      if (!listed.has(environment)) this.#entries.delete(environment);
    }
    const unread = names.filter(environment => !this.#entries.has(environment));
    if (unread.length === 1) {
      this.#entries.set(unread[0], await this.#read(unread[0]));
    } else if (unread.length > 1) {
      // The index built (or rebuilt): every Application in one batched read, nothing else fetched.
      const applications = new Set(unread.map(environmentApplicationPath));
      const folders = await this.#repository.readEnvironments({
        filter: path => applications.has(path),
      });
      for (const environment of unread) {
        const application = folders
          .get(environment)
          ?.get(environmentApplicationPath(environment));
        this.#entries.set(environment, entryOf(application));
      }
    }
    return names;
  }

  /** The entry, read again unless the folder's newest commit is the one it was read at. */
  async #confirm(environment: string): Promise<Entry> {
    const { commits } = await this.#repository.history(environment, {
      limit: 1,
    });
    const revision = commits[0]?.revision;
    const known = this.#entries.get(environment);
    if (known && revision && known.revision === revision) return known;
    const entry = await this.#read(environment, revision);
    this.#entries.set(environment, entry);
    return entry;
  }

  async #read(environment: string, revision?: string): Promise<Entry> {
    const files = await this.#repository.readFiles(environment, revision);
    return entryOf(
      files.get(environmentApplicationPath(environment)),
      revision,
    );
  }
}

/** The entry an environment's Application makes (none recorded when it has no Application). */
function entryOf(application: Buffer | undefined, revision?: string): Entry {
  if (!application) return { revision };
  const annotations =
    parse(application.toString('utf8'))?.metadata?.annotations ?? {};
  const commit = annotations[BLUEBERRY_ANNOTATIONS.commit];
  return {
    key: mergeRequestKey(annotations[BLUEBERRY_ANNOTATIONS.mergeRequest]),
    commit: typeof commit === 'string' ? commit : undefined,
    revision,
  };
}
