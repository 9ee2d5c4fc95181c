import {
  type Environment,
  isUnwellHealth,
} from '@blueberry-idp/plugin-blueberry-common';
import { deletionOf } from './deletion';
import { expiryOf } from './expiry';
import { isSyncing, syncFailed } from './waves';

function isBroken(environment: Environment): boolean {
  if (syncFailed(environment)) return true;
  // Mid-sync, the resources of waves not reached yet are Missing: that is progress, not breakage.
  if (environment.health === 'Missing' && isSyncing(environment)) return false;
  return isUnwellHealth(environment.health);
}

/**
 * How urgently an environment needs a look, 0 first: broken (Degraded, Missing, Unknown, a failed
 * sync, or a deletion that is stuck), then Progressing, syncing or being deleted, then expiring
 * within a day, then the rest.
 */
export function attentionRank(environment: Environment, now: Date): number {
  const deletion = deletionOf(environment, now);
  if (deletion) return deletion.stuck ? 0 : 1;
  if (isBroken(environment)) return 0;
  if (environment.health === 'Progressing' || isSyncing(environment)) return 1;
  if (expiryOf(environment.expiresAt, now)?.soon) return 2;
  return 3;
}

/** Environments sorted so what needs attention comes first, then by name. */
export function sortByAttention(
  environments: readonly Environment[],
  now: Date,
): Environment[] {
  return environments
    .map(environment => ({
      environment,
      rank: attentionRank(environment, now),
    }))
    .sort(
      (a, b) =>
        a.rank - b.rank ||
        a.environment.name.localeCompare(b.environment.name) ||
        a.environment.instance.localeCompare(b.environment.instance),
    )
    .map(({ environment }) => environment);
}

/** The key that tells environments apart across Argo CD instances. */
export function environmentId(environment: {
  instance: string;
  name: string;
}): string {
  return `${environment.instance}/${environment.name}`;
}
