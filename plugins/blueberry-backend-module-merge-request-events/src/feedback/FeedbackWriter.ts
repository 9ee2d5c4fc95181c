import { createHash } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { BlueberryEnvironmentFeed } from '@blueberry-idp/plugin-blueberry-node';
import type { FeedbackClient } from './clients/FeedbackClient';
import { FeedbackNotConfiguredError } from './clients/createFeedbackClients';
import {
  failedStatus,
  MAX_RETRY_DELAY_MS,
  retryDelayMs,
} from './clients/retryDelay';
import { environmentPageUrl, type FeedbackConfig } from './feedbackConfig';
import {
  feedbackStateOf,
  removedState,
  type FeedbackState,
} from './feedbackState';
import type { FeedbackRecord, FeedbackRecords } from './FeedbackRecords';
import type { MergeRequestHeads } from '../MergeRequestHeads';
import { parseMergeRequestUrl } from './mergeRequestLink';
import {
  commentMarker,
  renderComment,
  statusDescription,
} from './renderComment';

export interface FeedbackWriterOptions {
  feed: BlueberryEnvironmentFeed;
  records: FeedbackRecords;
  clients: Record<'github' | 'gitlab', FeedbackClient>;
  config: FeedbackConfig;
  logger: LoggerService;
  /** The merge requests' newest heads, from their events: says when a head is ahead. */
  heads?: Pick<MergeRequestHeads, 'get'>;
  now?: () => number;
}

/** Finished records are pruned this often (they are kept for weeks, so hourly is plenty). */
const PRUNE_EVERY_MS = 3_600_000;

/** What the writer wants a merge request to hear now. */
interface Wanted {
  state: FeedbackState;
  record?: FeedbackRecord;
}

/**
 * Tells each merge request how its environment is doing: one comment, edited in place, and a
 * deployment status (GitHub) or commit status (GitLab). Each run compares what the backend's
 * watch-fed picture says (no Argo CD request) with what was last written, kept in the database,
 * and writes only what changed, at most once per merge request per `minIntervalSeconds`; a write
 * held back is made by a later run, so the final state is always written. A failed write is tried
 * again after a backoff that honours Retry-After and rate limit resets. The scheduler runs one
 * writer at a time across replicas.
 */
export class FeedbackWriter {
  readonly #feed: BlueberryEnvironmentFeed;
  readonly #records: FeedbackRecords;
  readonly #clients: FeedbackWriterOptions['clients'];
  readonly #config: FeedbackConfig;
  readonly #logger: LoggerService;
  readonly #heads?: Pick<MergeRequestHeads, 'get'>;
  readonly #now: () => number;
  #prunedAt = 0;

  constructor(options: FeedbackWriterOptions) {
    this.#feed = options.feed;
    this.#records = options.records;
    this.#clients = options.clients;
    this.#config = options.config;
    this.#logger = options.logger;
    this.#heads = options.heads;
    this.#now = options.now ?? Date.now;
  }

  /** One pass over every merge request environment. */
  async run(): Promise<void> {
    const [snapshot, records] = await Promise.all([
      this.#feed.snapshot(),
      this.#records.list(),
    ]);
    const byKey = new Map(records.map(r => [keyOf(r), r]));
    const wanted = new Map<string, Wanted>();
    for (const { environment, commit } of snapshot.environments) {
      const mergeRequest = parseMergeRequestUrl(environment.mergeRequestUrl);
      if (!mergeRequest) continue;
      const state = feedbackStateOf({
        environment,
        commit,
        head: await this.#heads?.get(mergeRequest.url),
        mergeRequest,
        pageUrl: environmentPageUrl(this.#config, environment.name),
      });
      const key = keyOf({
        environment: state.environment,
        mergeRequestUrl: mergeRequest.url,
      });
      wanted.set(key, { state, record: byKey.get(key) });
    }
    // Gone from a complete picture: its last word is "removed". From an incomplete one (an
    // instance not answering yet) nothing can be concluded.
    const gone = snapshot.complete
      ? records.filter(r => !r.finished && r.lastState && !wanted.has(keyOf(r)))
      : [];

    for (const { state, record } of wanted.values()) {
      await this.#write(record, async () => state);
    }
    for (const record of gone) {
      const last = record.lastState!;
      await this.#write(record, async () =>
        removedState(last, await this.#removedBecause(last)),
      );
    }
    if (this.#now() - this.#prunedAt > PRUNE_EVERY_MS) {
      this.#prunedAt = this.#now();
      await this.#records.pruneFinished(this.#prunedAt);
    }
  }

  /**
   * Writes what `stateOf` says unless it was written already, the merge request heard from us less
   * than `minIntervalSeconds` ago, or a failure's backoff still runs.
   */
  async #write(
    previous: FeedbackRecord | undefined,
    stateOf: () => Promise<FeedbackState>,
  ): Promise<void> {
    const now = this.#now();
    if (previous?.retryAt && previous.retryAt > now) return;
    if (
      previous?.writtenAt &&
      now - previous.writtenAt < this.#config.minIntervalMs
    ) {
      // Held back, not dropped: a later run writes whatever is true by then.
      return;
    }
    let record = previous;
    try {
      const state = await stateOf();
      const body = renderComment(state);
      const digest = createHash('sha256').update(body).digest('hex');
      if (previous?.writtenDigest === digest) return;
      const link = state.mergeRequest;
      // Saved before anything is sent, so the final "removed" can be worded even if this fails.
      record = {
        ...(previous ?? newRecord(state)),
        lastState: state,
      };
      await this.#records.save(record);
      if (this.#config.comments) {
        record = {
          ...record,
          commentId: await this.#comment(state, record, body),
        };
        await this.#records.save(record);
      }
      if (this.#config.deploymentStatus) {
        record = await this.#status(state, record);
      }
      await this.#records.save({
        ...record,
        writtenDigest: digest,
        writtenAt: now,
        attempts: 0,
        retryAt: null,
        finished: state.phase === 'removed',
      });
      this.#logger.debug(
        `Told ${link.url} that ${state.environment} is ${state.phase}`,
      );
    } catch (error) {
      const attempts = record?.attempts ?? 0;
      // A host without an integration stays so until someone changes the config: ask rarely.
      const delay =
        error instanceof FeedbackNotConfiguredError
          ? MAX_RETRY_DELAY_MS
          : retryDelayMs(error, attempts, now);
      if (record) {
        await this.#records.save({
          ...record,
          attempts: attempts + 1,
          retryAt: now + delay,
        });
      }
      // The message is the provider's; tokens travel in headers and never appear in it.
      const status = failedStatus(error);
      this.#logger.warn(
        `Merge request feedback about ${
          record?.environment ?? 'an environment'
        } failed${status ? ` (HTTP ${status})` : ''}: ${
          (error as Error).message
        }; trying again in ${Math.ceil(delay / 1000)}s`,
      );
    }
  }

  /** Edits our comment, finding it by its marker when we do not know it; posts it when there is none. */
  async #comment(
    state: FeedbackState,
    record: FeedbackRecord,
    body: string,
  ): Promise<string> {
    const link = state.mergeRequest;
    const client = this.#clients[link.provider];
    const commentId =
      record.commentId ??
      (await client.findComment(link, commentMarker(state.environment)));
    if (commentId) {
      const outcome = await client.updateComment(link, commentId, body);
      if (outcome === 'updated') return commentId;
      // Deleted by a person: a new one carries on (the next edits go to it).
      this.#logger.info(
        `The comment about ${state.environment} on ${link.url} was deleted; posting it again`,
      );
    }
    return client.createComment(link, body);
  }

  async #status(
    state: FeedbackState,
    record: FeedbackRecord,
  ): Promise<FeedbackRecord> {
    const link = state.mergeRequest;
    const client = this.#clients[link.provider];
    const sha =
      state.commit ??
      record.deploymentSha ??
      (await client.mergeRequest(link)).headSha;
    // Removing and removed are one status to the provider (inactive, no URL): said once.
    const phase = state.phase === 'removing' ? 'removed' : state.phase;
    const environmentUrl = phase === 'removed' ? undefined : state.urls[0];
    const statusKey = `${phase} ${sha} ${environmentUrl ?? ''}`;
    if (record.statusKey === statusKey) return record;
    const sameDeployment = record.deploymentSha === sha;
    const { deploymentId } = await client.setStatus(link, {
      environment: state.environment,
      sha,
      phase,
      description: statusDescription(state),
      pageUrl: state.pageUrl,
      environmentUrl,
      deploymentId: sameDeployment
        ? record.deploymentId ?? undefined
        : undefined,
    });
    const next = {
      ...record,
      statusKey,
      deploymentSha: sha,
      deploymentId: deploymentId ?? null,
    };
    await this.#records.save(next);
    return next;
  }

  /** "merge request merged", "pull request closed", or "environment removed" while it is open. */
  async #removedBecause(last: FeedbackState): Promise<string> {
    const link = last.mergeRequest;
    const noun = link.provider === 'gitlab' ? 'merge request' : 'pull request';
    try {
      const { state } = await this.#clients[link.provider].mergeRequest(link);
      return state === 'open' ? 'environment removed' : `${noun} ${state}`;
    } catch (error) {
      // A merge request we can no longer see still gets its last word; other failures retry.
      if (failedStatus(error) === 404) return 'environment removed';
      throw error;
    }
  }
}

function newRecord(state: FeedbackState): FeedbackRecord {
  return {
    environment: state.environment,
    mergeRequestUrl: state.mergeRequest.url,
    provider: state.mergeRequest.provider,
    commentId: null,
    deploymentId: null,
    deploymentSha: null,
    statusKey: null,
    writtenDigest: null,
    lastState: null,
    writtenAt: null,
    attempts: 0,
    retryAt: null,
    finished: false,
  };
}

function keyOf(record: {
  environment: string;
  mergeRequestUrl: string;
}): string {
  return `${record.environment} ${record.mergeRequestUrl}`;
}
