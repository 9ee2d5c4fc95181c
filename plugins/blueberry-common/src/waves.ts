/**
 * The wave plan: the order in which Argo CD syncs an environment's objects. Argo CD only waits between
 * waves when the rendered objects carry the sync-wave annotation, so the renderer puts it on each.
 */

/**
 * Component roles a user may declare.
 *
 * @public
 */
export const COMPONENT_ROLES = ['backend', 'frontend', 'database'] as const;
/** @public */
export type ComponentRole = (typeof COMPONENT_ROLES)[number];

/**
 * Kinds of object an environment is made of, in the words of the wave plan.
 *
 * @public
 */
export type WaveObject =
  | 'Namespace'
  | 'Redis'
  | 'ConfigMap'
  | 'BackendDeployment'
  | 'BackendService'
  | 'FrontendDeployment'
  | 'FrontendService'
  | 'Ingress';

/** @public */
export interface WaveStep {
  wave: number;
  title: string;
  objects: WaveObject[];
}

/**
 * Wave 0 Namespace, Redis, ConfigMaps; 1 backend; 2 frontends; 3 Ingresses.
 *
 * @public
 */
export const WAVE_PLAN: readonly WaveStep[] = [
  {
    wave: 0,
    title: 'Namespace, Redis, ConfigMaps',
    objects: ['Namespace', 'Redis', 'ConfigMap'],
  },
  {
    wave: 1,
    title: 'Backend',
    objects: ['BackendDeployment', 'BackendService'],
  },
  {
    wave: 2,
    title: 'Frontends',
    objects: ['FrontendDeployment', 'FrontendService'],
  },
  { wave: 3, title: 'Ingresses', objects: ['Ingress'] },
];

/**
 * The wave in which a component of this role deploys its workload and Service.
 *
 * @public
 */
export function waveOfRole(role: ComponentRole): number {
  switch (role) {
    case 'database':
      return 0;
    case 'backend':
      return 1;
    case 'frontend':
      return 2;
    default:
      throw new Error(`Unknown component role '${role satisfies never}'`);
  }
}

/**
 * The wave of Ingresses, which come last: they need every Service behind them.
 *
 * @public
 */
export const INGRESS_WAVE = 3;
