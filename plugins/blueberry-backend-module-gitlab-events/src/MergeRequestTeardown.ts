import type { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  BLUEBERRY_ANNOTATIONS,
  environmentApplicationPath,
} from '@blueberry-idp/plugin-blueberry-common';
import {
  git,
  LocalGitopsRepository,
} from '@blueberry-idp/plugin-blueberry-node';
import { parse } from 'yaml';

/** The task named in the commits this module makes. */
export const MERGE_REQUEST_TASK =
  'gitlab.merge_request event (blueberry-backend-module-gitlab-events)';

/** The parts of GitLab's "Merge Request Hook" payload this module reads. */
interface MergeRequestHook {
  object_kind?: string;
  user?: { username?: string };
  project?: { path_with_namespace?: string };
  object_attributes?: { iid?: number; action?: string; url?: string };
}

export type TeardownOutcome =
  | { status: 'ignored'; why: string }
  | { status: 'absent'; environment: string }
  | { status: 'removed'; environment: string; commit: string };

/** Actions after which a merge request's environment has no reason to live. */
const ENDING_ACTIONS: Record<string, string> = {
  merge: 'merged',
  close: 'closed',
};

/**
 * Removes the environment of a merge request (`pr-<iid>`) from the local GitOps repository when
 * GitLab reports it merged or closed, in one commit saying who (the GitLab user), which task and why.
 * Idempotent: a redelivered event finds the environment gone and commits nothing. An environment whose
 * `blueberry.io/merge-request` annotation names another merge request (same iid, other project) is
 * left alone.
 */
export class MergeRequestTeardown {
  readonly #repository: LocalGitopsRepository;
  readonly #logger: LoggerService;

  constructor(options: {
    repository: LocalGitopsRepository;
    logger: LoggerService;
  }) {
    this.#repository = options.repository;
    this.#logger = options.logger;
  }

  async handle(payload: unknown): Promise<TeardownOutcome> {
    const hook = (payload ?? {}) as MergeRequestHook;
    const attributes = hook.object_attributes;
    if (hook.object_kind !== 'merge_request' || !attributes) {
      return { status: 'ignored', why: 'not a merge request event' };
    }
    const ended = attributes.action && ENDING_ACTIONS[attributes.action];
    if (!ended) {
      return {
        status: 'ignored',
        why: `action '${attributes.action}' does not end the merge request`,
      };
    }
    if (!Number.isInteger(attributes.iid) || attributes.iid! < 1) {
      return { status: 'ignored', why: 'no merge request iid' };
    }
    const environment = `pr-${attributes.iid}`;
    const shown = await git(
      this.#repository.path,
      ['show', `HEAD:${environmentApplicationPath(environment)}`],
      { allowExitCodes: [128] },
    );
    if (shown.exitCode !== 0) return { status: 'absent', environment };
    const recorded = parse(shown.stdout)?.metadata?.annotations?.[
      BLUEBERRY_ANNOTATIONS.mergeRequest
    ];
    if (
      typeof recorded === 'string' &&
      attributes.url &&
      recorded !== attributes.url
    ) {
      return {
        status: 'ignored',
        why: `environment ${environment} belongs to ${recorded}, not ${attributes.url}`,
      };
    }
    const who = hook.user?.username
      ? `gitlab:${hook.user.username}`
      : 'gitlab:unknown';
    const message = [
      `blueberry: remove environment ${environment}`,
      '',
      `Reason: merge request !${attributes.iid}${
        hook.project?.path_with_namespace
          ? ` of ${hook.project.path_with_namespace}`
          : ''
      } was ${ended}${attributes.url ? ` (${attributes.url})` : ''}`,
      `Requested-by: ${who}`,
      `Task: ${MERGE_REQUEST_TASK}`,
    ].join('\n');
    try {
      const result = await this.#repository.removeEnvironment({
        environment,
        message,
      });
      this.#logger.info(
        `Removed environment ${environment}: merge request ${ended} (${result.commit})`,
      );
      return { status: 'removed', environment, commit: result.commit };
    } catch (error) {
      if (error instanceof NotFoundError)
        return { status: 'absent', environment };
      throw error;
    }
  }
}
