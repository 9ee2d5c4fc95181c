import { KeyedQueue } from '@blueberry-idp/plugin-blueberry-common';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { GitopsRepository } from '@blueberry-idp/plugin-blueberry-node';
import type { EventOrder } from './EventOrder';
import { MergeRequestChange, planEnvironment } from './MergeRequestChange';
import { proposeRemoval } from './proposeRemoval';
import { RecordedMergeRequests } from './RecordedMergeRequests';
import type {
  CreationOutcome,
  TemplateEnvironmentCreator,
} from './TemplateEnvironmentCreator';

/** The task named in the commits this module makes, per provider. */
export const MERGE_REQUEST_TASKS: Record<
  MergeRequestChange['provider'],
  string
> = {
  gitlab:
    'gitlab.merge_request event (blueberry-backend-module-merge-request-events)',
  github:
    'github.pull_request event (blueberry-backend-module-merge-request-events)',
};

export type EventOutcome =
  | { status: 'ignored'; why: string }
  | { status: 'late'; why: string }
  | { status: 'absent'; why: string }
  | { status: 'exists'; environment: string }
  | { status: 'current'; environment: string; commit: string }
  | { status: 'removed'; environment: string; change: string }
  | { status: 'pending'; environment: string; change: string }
  | { status: 'created'; environment: string; taskId: string }
  | { status: 'updated'; environment: string; taskId: string }
  | { status: 'failed'; environment: string; taskId?: string; why: string };

/**
 * Keeps a merge request's environment in step with the merge request: created (through the
 * template) while it is open with the label, moved to each new head commit (the template again,
 * as an update), removed once it is merged, closed or loses the label. An environment belongs to
 * the merge request its Application records (`blueberry.io/merge-request`, read as provider, host,
 * project and number: RecordedMergeRequests), never to a name or a number alone: merge request 12
 * of two projects are two environments, and an event only ever touches its own. The GitOps
 * repository is read and changed only through `GitopsRepository`; a removal is one proposed change. Safe against repeats and disorder: it acts on the merge
 * request's state, not on the event's action; an environment that exists is not created again, one
 * already at the head is not updated again, one that is gone is not removed again; events older
 * than one already handled are dropped; events of one merge request run one at a time.
 */
export class MergeRequestEnvironments {
  readonly #repository: GitopsRepository;
  readonly #recorded: RecordedMergeRequests;
  readonly #logger: LoggerService;
  readonly #creator?: TemplateEnvironmentCreator;
  readonly #order: EventOrder;
  readonly #label?: string;
  readonly #queues = new KeyedQueue();

  constructor(options: {
    /** The GitOps repository (`gitopsRepositoryServiceRef`): local, GitLab or GitHub. */
    repository: GitopsRepository;
    /** Which environment records which merge request; default one over `repository`. */
    recorded?: RecordedMergeRequests;
    logger: LoggerService;
    /** Absent: environments are neither created nor updated from events. */
    creator?: TemplateEnvironmentCreator;
    order: EventOrder;
    /** Absent: environments are not created from events (pushes still move existing ones). */
    label?: string;
  }) {
    this.#repository = options.repository;
    this.#recorded =
      options.recorded ??
      new RecordedMergeRequests({ repository: options.repository });
    this.#logger = options.logger;
    this.#creator = options.creator;
    this.#order = options.order;
    this.#label = options.creator ? options.label : undefined;
  }

  handle(change: MergeRequestChange): Promise<EventOutcome> {
    return this.#queues.run(change.url, () => this.#handle(change));
  }

  async #handle(change: MergeRequestChange): Promise<EventOutcome> {
    if (await this.#order.isLate(change)) {
      return {
        status: 'late',
        why: `a later event of ${change.url} was handled already`,
      };
    }
    const outcome = await this.#apply(change);
    await this.#order.handled(change);
    return outcome;
  }

  async #apply(change: MergeRequestChange): Promise<EventOutcome> {
    const plan = planEnvironment(change, { label: this.#label });
    if (plan.action === 'none') return { status: 'ignored', why: plan.why };
    const recorded = await this.#recorded.environmentsOf(change.url);

    if (plan.action === 'remove') {
      if (recorded.length === 0) {
        return {
          status: 'absent',
          why: `no environment records ${change.url}`,
        };
      }
      let outcome: EventOutcome | undefined;
      for (const { environment } of recorded) {
        const removed = await proposeRemoval(this.#repository, {
          environment,
          reason: plan.reason,
          requestedBy: change.actor,
          task: MERGE_REQUEST_TASKS[change.provider],
        });
        this.#recorded.forget(environment);
        if (removed.status === 'removed') {
          this.#logger.info(
            `Removed environment ${environment}: ${plan.reason} (${removed.change})`,
          );
        }
        if (removed.status !== 'absent') {
          outcome = {
            status: removed.status,
            environment,
            change: removed.change,
          };
        }
      }
      return (
        outcome ?? {
          status: 'absent',
          why: `no environment records ${change.url}`,
        }
      );
    }

    const current = recorded[0];
    // Any later event of the merge request catches its environment up with the head (a push that
    // could not be applied, its image not built yet, is applied by the next event that finds it).
    const behind = Boolean(
      current?.commit && change.headSha && current.commit !== change.headSha,
    );
    if (current && plan.action === 'create' && !behind) {
      return { status: 'exists', environment: current.environment };
    }
    if (current) {
      // Made from fixed components (no blueprint), it runs no commit of the merge request.
      if (!current.commit) {
        return {
          status: 'ignored',
          why: `environment ${current.environment} records no commit (made without a blueprint): it does not follow pushes`,
        };
      }
      // Following a push: already at the head is a repeat.
      if (current.commit === change.headSha) {
        return {
          status: 'current',
          environment: current.environment,
          commit: current.commit,
        };
      }
      const updated = await this.#creator!.update(change, {
        environment: current.environment,
        reason: plan.reason,
      });
      this.#recorded.forget(current.environment);
      return updated.status === 'created'
        ? {
            status: 'updated',
            environment: current.environment,
            taskId: updated.taskId,
          }
        : outcomeOf(updated, current.environment);
    }
    // No environment yet: a push creates one only where the label would.
    const label = this.#label;
    if (plan.action === 'follow' && !(label && change.labels.includes(label))) {
      return { status: 'ignored', why: `no environment records ${change.url}` };
    }
    if (!this.#creator || !label) {
      return { status: 'ignored', why: 'no label configured for creation' };
    }
    const created = await this.#creator.create(change, {
      reason: plan.reason,
      isTaken: name => this.#recorded.exists(name),
    });
    if ('environment' in created && created.environment) {
      this.#recorded.forget(created.environment);
    }
    if (created.status === 'created') {
      return {
        status: 'created',
        environment: created.environment,
        taskId: created.taskId,
      };
    }
    return outcomeOf(
      created,
      created.status === 'failed' ? created.environment : undefined,
    );
  }
}

function outcomeOf(
  result: Exclude<CreationOutcome, { status: 'created' }>,
  environment: string | undefined,
): EventOutcome {
  if (result.status === 'skipped')
    return { status: 'ignored', why: result.why };
  return {
    status: 'failed',
    environment: environment ?? '(unnamed)',
    taskId: result.taskId,
    why: result.why,
  };
}
