import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sleep } from '@blueberry-idp/plugin-blueberry-common';
import {
  BackendKind,
  BenchEntity,
  backendConfig,
  catalogEntities,
  clientCountsOf,
  isUserTokenKind,
  viewPaths,
} from './backends';
import { runViews } from './load';
import { startChild } from './processes/childProcess';
import type { EqualRateMemoryRow, LoadRow, MemoryRow } from './report';

/** The entities every backend serves: app-01 has 20 environments, app-02 has 200. */
export const benchEntities: BenchEntity[] = [
  { name: 'twenty', app: 'app-01', environments: 20 },
  { name: 'two-hundred', app: 'app-02', environments: 200 },
];

export interface ScenarioOptions {
  applications: number;
  kinds: BackendKind[];
  connections: number[];
  durationS: number;
  /** Folder for configs, catalog file and the children's logs. */
  workDir: string;
  log: (line: string) => void;
  /**
   * Then each backend once more, in a fresh process, at the same fixed rate of views for all, so
   * their peak memory compares the same work (the load runs give each as much as it can serve).
   */
  equalRate?: EqualRateOptions;
}

export interface EqualRateOptions {
  viewsPerSecond: number;
  connections: number;
  durationS: number;
}

/**
 * One scale: the stand-in with `applications` synthetic Applications in its own process, then each
 * backend in turn in its own process against that same stand-in, each entity at each client count.
 */
export async function runScenario(options: ScenarioOptions): Promise<{
  load: LoadRow[];
  memory: MemoryRow[];
  equalRateMemory: EqualRateMemoryRow[];
}> {
  const argocdToken = randomBytes(24).toString('hex');
  const callerToken = randomBytes(24).toString('hex');
  // What the card's browser sends: its credentials, and gzip accepted (Backstage compresses answers).
  const headers = {
    Authorization: `Bearer ${callerToken}`,
    'Accept-Encoding': 'gzip',
  };
  const standIn = await startChild({
    file: require.resolve('./processes/standInProcess'),
    env: {
      BENCH_STANDIN: JSON.stringify({
        token: argocdToken,
        synthetic: {
          count: options.applications,
          apps: 10,
          environmentsPerApp: benchEntities.map(e => e.environments),
        },
      }),
    },
    logFile: path.join(options.workDir, `standin-${options.applications}.log`),
  });
  const catalogFile = path.join(options.workDir, 'catalog-info.yaml');
  await fs.writeFile(catalogFile, catalogEntities(benchEntities));

  const load: LoadRow[] = [];
  const memory: MemoryRow[] = [];
  const equalRateMemory: EqualRateMemoryRow[] = [];
  try {
    for (const kind of options.kinds) {
      const { backend, callerHeaders, readyMs } = await startReadyBackend(
        kind,
        'load',
      );
      try {
        // Warm the JIT and connection pools before anything is recorded.
        await runViews({
          baseUrl: backend.url,
          paths: viewPaths(kind, benchEntities[benchEntities.length - 1]),
          headers: callerHeaders,
          connections: 10,
          durationS: 2,
        });
        for (const entity of benchEntities) {
          const clientCounts = clientCountsOf(
            kind,
            entity,
            options.connections,
            benchEntities[0].environments,
          );
          if (clientCounts.length === 0) continue;
          const paths = viewPaths(kind, entity);
          const argocdRequestsPerView = await countArgocdRequestsPerView(
            standIn.url,
            backend.url,
            paths,
            callerHeaders,
          );
          for (const connections of clientCounts) {
            // Requests the backend still makes for views cut off by the last run land before this.
            await settled(standIn.url);
            const result = await runViews({
              baseUrl: backend.url,
              paths,
              headers: callerHeaders,
              connections,
              durationS: options.durationS,
            });
            const row: LoadRow = {
              applications: options.applications,
              environments: entity.environments,
              connections,
              kind,
              load: result,
              argocdRequestsPerView,
            };
            options.log(
              `  ${
                entity.environments
              } environments, ${connections} clients: ${result.viewsPerSecond.toFixed(
                0,
              )} views/s, median ${result.medianMs.toFixed(
                1,
              )} ms, p99 ${result.p99Ms.toFixed(
                1,
              )} ms, ${argocdRequestsPerView.toFixed(
                2,
              )} Argo CD requests per view`,
            );
            load.push(row);
          }
        }
        const peak = await backend.memory();
        memory.push({
          applications: options.applications,
          kind,
          readyMs,
          ...peak,
        });
      } finally {
        await backend.stop();
      }
    }
    // The three compared backends: the user-token variants are ours with more in the loop.
    const equalRateKinds = options.kinds.filter(k => !isUserTokenKind(k));
    for (const kind of options.equalRate ? equalRateKinds : []) {
      const rate = options.equalRate!;
      const { backend, callerHeaders } = await startReadyBackend(
        kind,
        'equal-rate',
      );
      try {
        const entity = benchEntities[0];
        // No warm-up at full speed: its garbage would be in the peak this run is about.
        const result = await runViews({
          baseUrl: backend.url,
          paths: viewPaths(kind, entity),
          headers: callerHeaders,
          connections: rate.connections,
          durationS: rate.durationS,
          viewsPerSecond: rate.viewsPerSecond,
        });
        const peak = await backend.memory();
        options.log(
          `${kind} at ${options.applications} Applications, ${
            rate.viewsPerSecond
          } views/s asked: ${result.viewsPerSecond.toFixed(
            0,
          )} served, peak RSS ${(peak.peakRssBytes / 2 ** 20).toFixed(0)} MiB`,
        );
        equalRateMemory.push({
          applications: options.applications,
          environments: entity.environments,
          kind,
          askedViewsPerSecond: rate.viewsPerSecond,
          load: result,
          ...peak,
        });
      } finally {
        await backend.stop();
      }
    }
  } finally {
    await standIn.stop();
  }
  return { load, memory, equalRateMemory };

  /** A backend of `kind` in its own process, once it serves every entity correctly. */
  async function startReadyBackend(kind: BackendKind, purpose: string) {
    const port = await freePort();
    const configFile = path.join(
      options.workDir,
      `${kind}-${options.applications}-${purpose}.config.json`,
    );
    await fs.writeFile(
      configFile,
      JSON.stringify(
        backendConfig({
          kind,
          port,
          argocdUrl: standIn.url,
          argocdToken,
          callerToken,
          catalogFile,
        }),
      ),
    );
    const started = performance.now();
    const backend = await startChild({
      file: require.resolve('./processes/backendProcess'),
      args: [kind, '--config', configFile],
      env: {
        NODE_ENV: 'production',
        BENCH_BACKEND_URL: `http://127.0.0.1:${port}`,
      },
      logFile: path.join(
        options.workDir,
        `${kind}-${options.applications}-${purpose}.log`,
      ),
    });
    try {
      const callerHeaders = isUserTokenKind(kind)
        ? {
            ...headers,
            Authorization: `Bearer ${await guestToken(backend.url)}`,
          }
        : headers;
      // All three run the same catalog; ours reads it, the anchors do not. Waiting for it first keeps
      // ours from asking before the entities exist (and remembering that answer for a few seconds).
      await untilCatalogHolds(backend.url, callerHeaders);
      for (const entity of benchEntities) {
        await untilCorrect(
          backend.url,
          viewPaths(kind, entity),
          callerHeaders,
          entity,
        );
      }
      const readyMs = performance.now() - started;
      options.log(
        `${kind} at ${options.applications} Applications${
          purpose === 'load' ? '' : ` (${purpose})`
        }: ready after ${(readyMs / 1000).toFixed(1)} s`,
      );
      return { backend, callerHeaders, readyMs };
    } catch (error) {
      await backend.stop();
      throw error;
    }
  }
}

/**
 * Argo CD requests per view, counted at the stand-in over views made one after another: the end of a
 * run under load cuts views in the middle, which would blur a per-run count.
 */
async function countArgocdRequestsPerView(
  standInUrl: string,
  baseUrl: string,
  paths: string[],
  headers: Record<string, string>,
  views = 20,
): Promise<number> {
  await settled(standInUrl);
  await resetStats(standInUrl);
  for (let i = 0; i < views; i++) {
    for (const p of paths) {
      const response = await fetch(`${baseUrl}${p}`, { headers });
      if (!response.ok) throw new Error(`${response.status} from ${p}`);
      await response.arrayBuffer();
    }
  }
  return (await settled(standInUrl)) / views;
}

/**
 * A guest user's Backstage token, as the app gets it when the guest signs in: the guest provider's
 * refresh endpoint (a proxy provider, so a plain GET with no session). Checked to be a user's token,
 * so the runs really exercise user-token verification and the permission policy.
 */
async function guestToken(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/guest/refresh`);
  if (!response.ok)
    throw new Error(`guest sign-in answered ${response.status}`);
  const body = (await response.json()) as {
    backstageIdentity?: { token?: string; identity?: { type?: string } };
  };
  const identity = body.backstageIdentity;
  if (!identity?.token || identity.identity?.type !== 'user') {
    throw new Error('guest sign-in returned no user token');
  }
  return identity.token;
}

/** Waits until the backend's catalog serves every benchmark entity. */
async function untilCatalogHolds(
  baseUrl: string,
  headers: Record<string, string>,
): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (const entity of benchEntities) {
    for (;;) {
      const response = await fetch(
        `${baseUrl}/api/catalog/entities/by-name/component/default/${entity.name}`,
        { headers },
      );
      await response.arrayBuffer();
      if (response.ok) break;
      if (Date.now() > deadline) {
        throw new Error(
          `the catalog never held ${entity.name}: ${response.status}`,
        );
      }
      await sleep(250);
    }
  }
}

/**
 * Asks for the view until its last response lists every environment of the entity: the catalog has
 * ingested the entity and, for ours, the watch has synced. Also proves each backend serves the same
 * data before it is measured.
 */
async function untilCorrect(
  baseUrl: string,
  paths: string[],
  headers: Record<string, string>,
  entity: BenchEntity,
): Promise<void> {
  const deadline = Date.now() + 180_000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      let body: any;
      for (const p of paths) {
        const response = await fetch(`${baseUrl}${p}`, { headers });
        last = `${response.status} from ${p}`;
        if (!response.ok) throw new Error(last);
        body = await response.json();
      }
      const count = Array.isArray(body?.items) ? body.items.length : -1;
      if (count === entity.environments) return;
      last = `${count} environments for ${entity.name}, expected ${entity.environments}`;
    } catch (error) {
      last = String(error);
    }
    await sleep(250);
  }
  throw new Error(`backend never served ${entity.name} correctly: ${last}`);
}

async function resetStats(standInUrl: string): Promise<void> {
  const response = await fetch(`${standInUrl}/admin/stats/reset`, {
    method: 'POST',
  });
  if (!response.ok) throw new Error(`stats reset answered ${response.status}`);
}

async function statsTotal(standInUrl: string): Promise<number> {
  const response = await fetch(`${standInUrl}/admin/stats`);
  if (!response.ok) throw new Error(`stats answered ${response.status}`);
  return ((await response.json()) as { total: number }).total;
}

/**
 * Waits until the stand-in has counted no new request for half a second (a backend keeps calling Argo
 * CD for requests whose client has gone) and returns its count.
 */
async function settled(standInUrl: string): Promise<number> {
  const deadline = Date.now() + 60_000;
  let previous = await statsTotal(standInUrl);
  while (Date.now() < deadline) {
    await sleep(500);
    const now = await statsTotal(standInUrl);
    if (now === previous) return now;
    previous = now;
  }
  throw new Error(
    'the stand-in kept receiving requests for a minute after a run',
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A fresh folder for one run's configs and logs. */
export function makeWorkDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'blueberry-bench-'));
}
