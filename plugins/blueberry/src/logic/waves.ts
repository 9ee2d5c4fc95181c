import type {
  Environment,
  EnvironmentWave,
} from '@blueberry-idp/plugin-blueberry-common';
import {
  isUnwellHealth,
  WAVE_PLAN,
} from '@blueberry-idp/plugin-blueberry-common';

/** Where a wave stands: what the strip shows for it, in words as well as colour. */
export type WaveState = 'done' | 'running' | 'waiting' | 'failed';

export interface WaveProgress {
  wave: number;
  /** What the wave plan deploys in it ("Backend"), or "Wave 5" for waves outside the plan. */
  title: string;
  state: WaveState;
  /** True for the wave the running (or failed) sync operation is on. */
  current: boolean;
  resourceCount: number;
  /** A plain explanation when the state alone would mislead (an Ingress without an address). */
  note?: string;
  source?: EnvironmentWave;
}

const OPERATION_RUNNING = new Set(['Running', 'Terminating']);
const OPERATION_FAILED = new Set(['Failed', 'Error']);

/** True while Argo CD is running a sync operation on the environment. */
export function isSyncing(environment: Environment): boolean {
  return OPERATION_RUNNING.has(environment.operation?.phase ?? '');
}

/** True when the last sync operation failed or errored. */
export function syncFailed(environment: Environment): boolean {
  return OPERATION_FAILED.has(environment.operation?.phase ?? '');
}

/**
 * The progress of every wave, 0 to 3 from the wave plan plus any other wave the environment has.
 * During an operation the waves before `operation.wave` are done, that one is running (or failed)
 * and the later ones wait: before Argo CD reaches them their resources are Missing, which is not a
 * failure. Without an operation each wave is judged by its own resources (DESIGN section 4).
 */
export function waveProgress(environment: Environment): WaveProgress[] {
  const byWave = new Map(environment.waves.map(w => [w.wave, w]));
  const numbers = [
    ...new Set([...WAVE_PLAN.map(step => step.wave), ...byWave.keys()]),
  ].sort((a, b) => a - b);
  const operationWave =
    isSyncing(environment) || syncFailed(environment)
      ? environment.operation?.wave ?? null
      : null;

  return numbers.map(wave => {
    const source = byWave.get(wave);
    const current = operationWave !== null && wave === operationWave;
    const state =
      operationWave === null
        ? settledState(source)
        : operationState(wave, operationWave, source, syncFailed(environment));
    return {
      wave,
      title:
        WAVE_PLAN.find(step => step.wave === wave)?.title ?? `Wave ${wave}`,
      state,
      current,
      resourceCount: source?.resources.length ?? 0,
      note: state === 'running' ? ingressNote(source) : undefined,
      source,
    };
  });
}

function settledState(source: EnvironmentWave | undefined): WaveState {
  // A planned wave with nothing in it (no Ingress, say) has nothing left to do.
  if (!source) return 'done';
  if (isUnwellHealth(source.health)) return 'failed';
  if (source.health === 'Progressing') return 'running';
  if (source.sync !== 'Synced') return 'waiting';
  return 'done';
}

function operationState(
  wave: number,
  operationWave: number,
  source: EnvironmentWave | undefined,
  failed: boolean,
): WaveState {
  if (wave > operationWave) return 'waiting';
  if (source?.health === 'Degraded') return 'failed';
  if (wave < operationWave) return 'done';
  return failed ? 'failed' : 'running';
}

/**
 * An Ingress is Healthy only once its controller publishes an address, so a cluster without one
 * hangs in wave 3 forever. Say so rather than showing a generic "running".
 */
function ingressNote(source: EnvironmentWave | undefined): string | undefined {
  const pending = source?.resources.filter(r => r.health !== 'Healthy') ?? [];
  if (pending.length > 0 && pending.every(r => r.kind === 'Ingress')) {
    return 'Waiting for the ingress controller to publish an address';
  }
  return undefined;
}
