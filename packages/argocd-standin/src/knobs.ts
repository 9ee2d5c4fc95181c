/**
 * Fault and behaviour knobs. Tests and benchmarks turn them through `startArgoCdStandIn` options,
 * the returned `knobs` object, or `POST /admin/knobs`. Every knob is off by default.
 */
export interface Knobs {
  /** Added to every `/api` response, in milliseconds. */
  latencyMs: number;
  /** Share (0..1) of `/api` requests answered with `errorStatus` instead of their result. */
  errorRate: number;
  /** The status `errorRate` and `errorBurst` answer with (429, 500, 502, 503, 504...). */
  errorStatus: number;
  /** The next this-many `/api` requests fail with `errorStatus` (a burst), then it counts down to 0. */
  errorBurst: number;
  /** The next this-many `/api` JSON responses are cut in half (malformed bodies). */
  malformedBodies: number;
  /**
   * Streams are cut in the middle of a message after this many events (per stream), so clients see a
   * truncated line and a dropped connection. 0 = never.
   */
  streamDropAfterEvents: number;
  /** Every bearer token is treated as expired (401 "token is expired"). */
  tokenExpired: boolean;
  /** Time a sync waits in each wave before its resources turn healthy, in milliseconds. */
  waveDelayMs: number;
  /** Ingress controllers publish no address: Ingresses stay Progressing and wave 3 hangs. */
  withholdIngressAddresses: boolean;
  /** The workloads of this wave go Degraded (the sync then waits, as Argo CD's does). null = none. */
  degradedWave: number | null;
  /** Limit `degradedWave` to these Applications; empty = all. */
  degradedApplications: string[];
  /**
   * Resources edited by hand in the cluster, as `<application>/<Kind>/<name>`: at the next API
   * request after they exist (and no sync runs), their live state differs from Git (a workload
   * scaled to 3 replicas, any other kind relabelled), so the resource and its Application turn
   * OutOfSync. Each assignment of the knob edits each listed resource once: a sync (manual, or
   * self-heal's) puts it back and it stays back until the knob is assigned again.
   */
  driftedResources: string[];
  /**
   * For Applications with `syncPolicy.automated.selfHeal`, how long after a resource drifts the
   * controller syncs it back (Argo CD's `--self-heal-backoff-timeout-seconds`, 2 s). null = self-heal
   * held off: drift stays until a manual sync.
   */
  selfHealDelayMs: number | null;
}

export const DEFAULT_KNOBS: Knobs = {
  latencyMs: 0,
  errorRate: 0,
  errorStatus: 503,
  errorBurst: 0,
  malformedBodies: 0,
  streamDropAfterEvents: 0,
  tokenExpired: false,
  waveDelayMs: 1000,
  withholdIngressAddresses: false,
  degradedWave: null,
  degradedApplications: [],
  driftedResources: [],
  selfHealDelayMs: 2000,
};

const NUMBER_KNOBS = [
  'latencyMs',
  'errorRate',
  'errorStatus',
  'errorBurst',
  'malformedBodies',
  'streamDropAfterEvents',
  'waveDelayMs',
] as const;

/**
 * Applies a partial update (as `POST /admin/knobs` receives it) to the knobs, refusing unknown keys
 * and wrong types so a typo in a test does not silently do nothing.
 */
export function updateKnobs(knobs: Knobs, update: unknown): void {
  if (!update || typeof update !== 'object' || Array.isArray(update)) {
    throw new TypeError('knobs must be a JSON object');
  }
  for (const [key, value] of Object.entries(update)) {
    if ((NUMBER_KNOBS as readonly string[]).includes(key)) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new TypeError(`knob ${key} must be a non-negative number`);
      }
      (knobs as unknown as Record<string, number>)[key] = value;
    } else if (key === 'tokenExpired' || key === 'withholdIngressAddresses') {
      if (typeof value !== 'boolean')
        throw new TypeError(`knob ${key} must be a boolean`);
      knobs[key] = value;
    } else if (key === 'selfHealDelayMs') {
      if (
        value !== null &&
        (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      ) {
        throw new TypeError(
          'knob selfHealDelayMs must be a non-negative number or null',
        );
      }
      knobs.selfHealDelayMs = value as number | null;
    } else if (key === 'degradedWave') {
      if (
        value !== null &&
        (typeof value !== 'number' || !Number.isInteger(value))
      ) {
        throw new TypeError('knob degradedWave must be an integer or null');
      }
      knobs.degradedWave = value as number | null;
    } else if (key === 'degradedApplications') {
      if (!Array.isArray(value) || value.some(v => typeof v !== 'string')) {
        throw new TypeError(
          'knob degradedApplications must be an array of names',
        );
      }
      knobs.degradedApplications = value as string[];
    } else if (key === 'driftedResources') {
      if (
        !Array.isArray(value) ||
        value.some(v => typeof v !== 'string' || v.split('/').length !== 3)
      ) {
        throw new TypeError(
          'knob driftedResources must be an array of <application>/<Kind>/<name>',
        );
      }
      knobs.driftedResources = value as string[];
    } else {
      throw new TypeError(`unknown knob ${key}`);
    }
  }
}
