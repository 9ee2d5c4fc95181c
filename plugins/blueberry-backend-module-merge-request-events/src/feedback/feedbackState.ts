import {
  type Environment,
  isUnwellHealth,
} from '@blueberry-idp/plugin-blueberry-common';
import type { MergeRequestLink } from './mergeRequestLink';

/** Where an environment stands, in the words the merge request hears. */
export type FeedbackPhase =
  | 'creating'
  | 'deploying'
  | 'ready'
  | 'failing'
  | 'removing'
  | 'removed';

/** A resource that is not well, with Argo CD's message. */
export interface FailingResource {
  kind: string;
  name: string;
  health: string;
  message: string;
}

/** Everything the comment and the deployment status say; equal states say the same thing. */
export interface FeedbackState {
  environment: string;
  mergeRequest: MergeRequestLink;
  /** The environment's page in Backstage. */
  pageUrl: string;
  phase: FeedbackPhase;
  health: string;
  sync: string;
  urls: string[];
  /** `0 ✓ 1 ✓ 2 … 3 ·`: done, working, failed (✗), waiting. */
  waves: string;
  failing: FailingResource[];
  commit: string | null;
  /**
   * The merge request's newest head when it is not the commit the environment runs: moving to it,
   * or (with `failure`) not, and why.
   */
  ahead?: { sha: string; failure?: string };
  expiresAt: string | null;
  /** Why it went, once removed: "merge request merged". */
  removedBecause?: string;
}

/** Condition types of an Application that say it cannot be deployed as it is. */
const ERROR_CONDITION = /Error$/;

/** The waves as text: ✓ synced and healthy, ✗ degraded, … the one Argo CD works on, · waiting. */
export function wavesText(environment: Environment): string {
  let working = false;
  return environment.waves
    .map(wave => {
      let mark: string;
      if (wave.health === 'Healthy' && wave.sync === 'Synced') mark = '✓';
      else if (wave.health === 'Degraded') mark = '✗';
      else if (!working) {
        working = true;
        mark = '…';
      } else mark = '·';
      return `${wave.wave} ${mark}`;
    })
    .join(' ');
}

function phaseOf(environment: Environment, failing: number): FeedbackPhase {
  if (environment.deletingSince) return 'removing';
  const conditionError = (environment.conditions ?? []).some(c =>
    ERROR_CONDITION.test(c.type),
  );
  if (environment.health === 'Degraded' || conditionError) return 'failing';
  if (environment.waves.length === 0) return 'creating';
  if (
    environment.health === 'Healthy' &&
    environment.sync === 'Synced' &&
    failing === 0
  ) {
    return 'ready';
  }
  return 'deploying';
}

/** What the merge request should hear about an environment the watch holds. */
export function feedbackStateOf(options: {
  environment: Environment;
  commit: string | null;
  /** The merge request's newest head its events told of (MergeRequestHeads), if known. */
  head?: { sha: string; failure?: string };
  mergeRequest: MergeRequestLink;
  pageUrl: string;
}): FeedbackState {
  const { environment } = options;
  const failing: FailingResource[] = [];
  for (const wave of environment.waves) {
    for (const resource of wave.resources) {
      // While a wave is still being worked on, Missing is simply "not there yet".
      const missingOnly = resource.health === 'Missing' && !resource.message;
      if (resource.health && isUnwellHealth(resource.health) && !missingOnly) {
        failing.push({
          kind: resource.kind,
          name: resource.name,
          health: resource.health,
          message: resource.message ?? '',
        });
      }
    }
  }
  for (const condition of environment.conditions ?? []) {
    if (ERROR_CONDITION.test(condition.type)) {
      failing.push({
        kind: 'Application',
        name: condition.type,
        health: 'Degraded',
        message: condition.message,
      });
    }
  }
  return {
    environment: environment.name,
    mergeRequest: options.mergeRequest,
    pageUrl: options.pageUrl,
    phase: phaseOf(environment, failing.length),
    health: environment.health,
    sync: environment.sync,
    urls: [...environment.urls].sort(),
    waves: wavesText(environment),
    failing,
    commit: options.commit,
    // Only an environment that runs a commit of the merge request follows its head.
    ...(options.commit && options.head && options.head.sha !== options.commit
      ? { ahead: options.head }
      : {}),
    expiresAt: environment.expiresAt,
  };
}

/** The last word on an environment that is gone. */
export function removedState(
  last: Pick<FeedbackState, 'environment' | 'mergeRequest' | 'pageUrl'> &
    Partial<Pick<FeedbackState, 'commit'>>,
  removedBecause: string,
): FeedbackState {
  return {
    environment: last.environment,
    mergeRequest: last.mergeRequest,
    pageUrl: last.pageUrl,
    phase: 'removed',
    health: 'Missing',
    sync: 'Unknown',
    urls: [],
    waves: '',
    failing: [],
    commit: last.commit ?? null,
    expiresAt: null,
    removedBecause,
  };
}
