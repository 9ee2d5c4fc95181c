/**
 * Argo CD health and sync vocabularies and how aggregates are judged. The order is gitops-engine's,
 * best to worst; an aggregate (a wave, an environment) takes its worst member.
 */

/** @public */
export const HEALTH_ORDER = [
  'Healthy',
  'Suspended',
  'Progressing',
  'Missing',
  'Degraded',
  'Unknown',
] as const;
/** @public */
export type HealthStatus = (typeof HEALTH_ORDER)[number];

/** @public */
export type SyncStatus = 'Synced' | 'OutOfSync' | 'Unknown';

/**
 * Whether a health says something is wrong: Degraded, Missing or Unknown (absent is not a health
 * yet, so not unwell). Callers decide for themselves whether Missing mid-sync is only "not there
 * yet".
 *
 * @public
 */
export function isUnwellHealth(health: string | null | undefined): boolean {
  return health === 'Degraded' || health === 'Missing' || health === 'Unknown';
}

function healthRank(health: string | undefined): number {
  const rank = HEALTH_ORDER.indexOf(health as HealthStatus);
  return rank === -1 ? HEALTH_ORDER.length - 1 : rank;
}

/**
 * The worst of some health statuses; Healthy for none, Unknown for values Argo CD does not define.
 *
 * @public
 */
export function worstHealth(
  statuses: Iterable<string | undefined>,
): HealthStatus {
  let worst = 0;
  for (const status of statuses) worst = Math.max(worst, healthRank(status));
  return HEALTH_ORDER[worst];
}

/**
 * Synced only when every member is; Unknown wins over OutOfSync, as nothing can be said.
 *
 * @public
 */
export function combinedSync(
  statuses: Iterable<string | undefined>,
): SyncStatus {
  let result: SyncStatus = 'Synced';
  for (const status of statuses) {
    if (status === 'Unknown' || status === undefined) return 'Unknown';
    if (status !== 'Synced') result = 'OutOfSync';
  }
  return result;
}
