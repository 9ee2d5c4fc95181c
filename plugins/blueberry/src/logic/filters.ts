import {
  BLUEBERRY_LABELS,
  Environment,
  HealthStatus,
} from '@blueberry-idp/plugin-blueberry-common';

export interface EnvironmentFilter {
  /** `blueberry.io/type`: pull-request, feature, long-lived; empty for all. */
  type: string;
  /** An Argo CD health status; empty for all. */
  health: HealthStatus | '';
  /** Matches the environment's name, or the name or component of one of its resources. */
  text: string;
}

export const NO_FILTER: EnvironmentFilter = { type: '', health: '', text: '' };

export function environmentType(environment: Environment): string | undefined {
  return environment.labels[BLUEBERRY_LABELS.type];
}

/** The environments a filter lets through. */
export function filterEnvironments(
  environments: readonly Environment[],
  filter: EnvironmentFilter,
): Environment[] {
  const text = filter.text.trim().toLowerCase();
  return environments.filter(environment => {
    if (filter.type && environmentType(environment) !== filter.type)
      return false;
    if (filter.health && environment.health !== filter.health) return false;
    if (!text) return true;
    if (environment.name.toLowerCase().includes(text)) return true;
    return environment.waves.some(wave =>
      wave.resources.some(
        r =>
          r.name.toLowerCase().includes(text) ||
          (r.component ?? '').toLowerCase().includes(text),
      ),
    );
  });
}
