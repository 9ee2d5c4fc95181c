import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';

/** What one load run measured, per entity view (all the requests of one view, in order). */
export interface LoadResult {
  /** Views answered within the run. */
  views: number;
  viewsPerSecond: number;
  medianMs: number;
  p99Ms: number;
  /** The p99 is a view still in flight at the end: the true p99 is at least p99Ms. */
  p99AtLeast: boolean;
  /** Connection errors, timeouts included. */
  errors: number;
  non2xx: number;
}

interface ViewContext {
  viewStartedAt?: number;
}

/**
 * Runs autocannon with `connections` clients, each requesting the view's paths in order, again and
 * again, for `durationS` seconds. A view's latency runs from sending its first request to the end of
 * its last response, measured here because autocannon's own histogram is per request. Views still in
 * flight when the run ends count with the time they had taken so far (a lower bound), so a slow
 * backend's tail is not cut off by the end of the run.
 */
export async function runViews(options: {
  baseUrl: string;
  paths: string[];
  headers: Record<string, string>;
  connections: number;
  durationS: number;
  /** A fixed rate of views for all clients together; by default as many as the backend serves. */
  viewsPerSecond?: number;
}): Promise<LoadResult> {
  const latencies: { ms: number; cutOff: boolean }[] = [];
  const inFlight = new Set<ViewContext>();
  const last = options.paths.length - 1;
  const requests = options.paths.map((path, index) => ({
    method: 'GET' as const,
    path,
    ...(index === 0
      ? {
          setupRequest: (request: any, context: ViewContext) => {
            context.viewStartedAt = performance.now();
            inFlight.add(context);
            return request;
          },
        }
      : {}),
    ...(index === last
      ? {
          onResponse: (
            _status: number,
            _body: string,
            context: ViewContext,
          ) => {
            latencies.push({
              ms: performance.now() - context.viewStartedAt!,
              cutOff: false,
            });
            inFlight.delete(context);
          },
        }
      : {}),
  }));
  const result = await autocannon({
    url: options.baseUrl,
    connections: options.connections,
    duration: options.durationS,
    headers: options.headers,
    requests,
    timeout: 30,
    // autocannon paces requests, and a view is one request per path.
    ...(options.viewsPerSecond
      ? { overallRate: options.viewsPerSecond * options.paths.length }
      : {}),
  });
  const answered = latencies.length;
  const end = performance.now();
  for (const context of inFlight) {
    latencies.push({ ms: end - context.viewStartedAt!, cutOff: true });
  }
  latencies.sort((a, b) => a.ms - b.ms);
  const p99 = quantile(latencies, 0.99);
  return {
    views: answered,
    viewsPerSecond: answered / options.durationS,
    medianMs: quantile(latencies, 0.5)?.ms ?? NaN,
    p99Ms: p99?.ms ?? NaN,
    p99AtLeast: p99?.cutOff ?? false,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

/** The q-quantile of sorted samples (nearest rank); undefined when there are none. */
export function quantile<T>(sorted: T[], q: number): T | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}
