import { BLUEBERRY_ANNOTATIONS } from '@blueberry-idp/plugin-blueberry-common';
import { parse } from 'yaml';
import type { EnvironmentStore } from './stores/EnvironmentStore';
import type { EventOrder } from './EventOrder';
import { MergeRequestChange, planEnvironment } from './MergeRequestChange';
import type { TemplateEnvironmentCreator } from './TemplateEnvironmentCreator';

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
  | { status: 'absent'; environment: string }
  | { status: 'exists'; environment: string }
  | { status: 'removed'; environment: string; change: string }
  | { status: 'pending'; environment: string; change: string }
  | { status: 'created'; environment: string; taskId: string }
  | { status: 'failed'; environment: string; taskId?: string; why: string };

/**
 * Keeps a merge request's environment in step with the merge request: created (through the
 * template) while it is open with the label, removed once it is merged, closed or loses the label.
 * Safe against repeats and disorder: it acts on the merge request's state, not on the event's
 * action; an environment that exists is not created again, one that is gone is not removed again;
 * events older than one already handled are dropped; events of one environment run one at a time.
 * An environment recorded for another merge request (same number, other project) is left alone.
 */
export class MergeRequestEnvironments {
  readonly #store: EnvironmentStore;
  readonly #creator?: TemplateEnvironmentCreator;
  readonly #order: EventOrder;
  readonly #label?: string;
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(options: {
    store: EnvironmentStore;
    /** Absent: environments are not created from events. */
    creator?: TemplateEnvironmentCreator;
    order: EventOrder;
    label?: string;
  }) {
    this.#store = options.store;
    this.#creator = options.creator;
    this.#order = options.order;
    this.#label = options.creator ? options.label : undefined;
  }

  handle(change: MergeRequestChange): Promise<EventOutcome> {
    const key = `pr-${change.number}`;
    const previous = this.#queues.get(key) ?? Promise.resolve();
    const next = previous.then(
      () => this.#handle(change),
      () => this.#handle(change),
    );
    const settled = next.catch(() => undefined);
    this.#queues.set(key, settled);
    settled.then(() => {
      if (this.#queues.get(key) === settled) this.#queues.delete(key);
    });
    return next;
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
    const { environment } = plan;
    const recorded = await this.#recordedMergeRequest(environment);
    if (recorded === undefined) {
      if (plan.action === 'remove') return { status: 'absent', environment };
    } else {
      // Names are `pr-<number>` in every project: only the environment that records this very
      // merge request is this one's to remove. One that records another, or none (made by hand
      // from the template, or for another project's !<number>), is left alone.
      if (recorded !== change.url && (recorded || plan.action === 'remove')) {
        return {
          status: 'ignored',
          why: recorded
            ? `environment ${environment} belongs to ${recorded}, not ${change.url}`
            : `environment ${environment} records no merge request; ${change.url} does not remove it`,
        };
      }
      if (plan.action === 'create') return { status: 'exists', environment };
    }
    if (plan.action === 'remove') {
      const removed = await this.#store.remove({
        environment,
        reason: plan.reason,
        requestedBy: change.actor,
        task: MERGE_REQUEST_TASKS[change.provider],
      });
      return removed.status === 'absent'
        ? { status: 'absent', environment }
        : { status: removed.status, environment, change: removed.change };
    }
    const created = await this.#creator!.create(change, {
      environment,
      reason: plan.reason,
    });
    if (created.status === 'created') {
      return { status: 'created', environment, taskId: created.taskId };
    }
    if (created.status === 'skipped') {
      return { status: 'ignored', why: created.why };
    }
    return {
      status: 'failed',
      environment,
      taskId: created.taskId,
      why: created.why,
    };
  }

  /**
   * The merge request URL recorded on the environment (`''` when it has none), or undefined when
   * the environment is not on the branch Argo CD follows.
   */
  async #recordedMergeRequest(
    environment: string,
  ): Promise<string | undefined> {
    const application = await this.#store.readApplication(environment);
    if (application === undefined) return undefined;
    const recorded =
      parse(application)?.metadata?.annotations?.[
        BLUEBERRY_ANNOTATIONS.mergeRequest
      ];
    return typeof recorded === 'string' ? recorded : '';
  }
}
