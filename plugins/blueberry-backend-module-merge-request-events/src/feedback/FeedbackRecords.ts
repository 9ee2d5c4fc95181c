import {
  resolvePackagePath,
  type DatabaseService,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import type { FeedbackState } from './feedbackState';

const TABLE = 'blueberry_merge_request_feedback';

/** What was last written to one merge request about one environment. */
export interface FeedbackRecord {
  environment: string;
  mergeRequestUrl: string;
  provider: 'github' | 'gitlab';
  commentId: string | null;
  deploymentId: string | null;
  deploymentSha: string | null;
  /** The status last set: phase, SHA and URL; a new one is only set when it changes. */
  statusKey: string | null;
  /** A hash of everything last written; equal means there is nothing to say. */
  writtenDigest: string | null;
  /** The last state written, to word the final "removed" once the environment is gone. */
  lastState: FeedbackState | null;
  writtenAt: number | null;
  attempts: number;
  retryAt: number | null;
  /** True once "removed" was written. */
  finished: boolean;
}

interface Row {
  environment: string;
  merge_request_url: string;
  provider: string;
  comment_id: string | null;
  deployment_id: string | null;
  deployment_sha: string | null;
  status_key: string | null;
  written_digest: string | null;
  last_state: string | null;
  written_at: string | number | null;
  attempts: number;
  retry_at: string | number | null;
  finished: boolean | number;
}

/** Finished records older than this are dropped; a reopened merge request finds its comment by marker. */
const KEEP_FINISHED_MS = 30 * 24 * 3_600_000;

/**
 * The writer's records in the `blueberry` plugin's database, shared by every replica: the scheduler
 * runs one writer at a time, and whichever replica runs it next picks up where the last left off.
 */
export class FeedbackRecords {
  readonly #knex: Knex;

  static async create(database: DatabaseService): Promise<FeedbackRecords> {
    const knex = await database.getClient();
    if (!database.migrations?.skip) {
      await knex.migrate.latest({
        directory: resolvePackagePath(
          '@blueberry-idp/plugin-blueberry-backend-module-merge-request-events',
          'migrations',
        ),
        // The blueberry plugin's database may hold other migrations; ours keep their own log.
        tableName: 'blueberry_merge_request_feedback_migrations',
      });
    }
    return new FeedbackRecords(knex);
  }

  private constructor(knex: Knex) {
    this.#knex = knex;
  }

  async list(): Promise<FeedbackRecord[]> {
    const rows: Row[] = await this.#knex(TABLE).select();
    return rows.map(fromRow);
  }

  async save(record: FeedbackRecord): Promise<void> {
    await this.#knex(TABLE)
      .insert(toRow(record))
      .onConflict(['environment', 'merge_request_url'])
      .merge();
  }

  async pruneFinished(now: number): Promise<void> {
    await this.#knex(TABLE)
      .where('finished', true)
      .andWhere('written_at', '<', now - KEEP_FINISHED_MS)
      .delete();
  }
}

function toRow(record: FeedbackRecord): Row {
  return {
    environment: record.environment,
    merge_request_url: record.mergeRequestUrl,
    provider: record.provider,
    comment_id: record.commentId,
    deployment_id: record.deploymentId,
    deployment_sha: record.deploymentSha,
    status_key: record.statusKey,
    written_digest: record.writtenDigest,
    last_state: record.lastState ? JSON.stringify(record.lastState) : null,
    written_at: record.writtenAt,
    attempts: record.attempts,
    retry_at: record.retryAt,
    finished: record.finished,
  };
}

function fromRow(row: Row): FeedbackRecord {
  const number = (value: string | number | null) =>
    value === null ? null : Number(value);
  return {
    environment: row.environment,
    mergeRequestUrl: row.merge_request_url,
    provider: row.provider === 'gitlab' ? 'gitlab' : 'github',
    commentId: row.comment_id,
    deploymentId: row.deployment_id,
    deploymentSha: row.deployment_sha,
    statusKey: row.status_key,
    writtenDigest: row.written_digest,
    lastState: row.last_state ? JSON.parse(row.last_state) : null,
    writtenAt: number(row.written_at),
    attempts: Number(row.attempts),
    retryAt: number(row.retry_at),
    finished: Boolean(row.finished),
  };
}
