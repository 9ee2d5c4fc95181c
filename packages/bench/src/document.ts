import os from 'node:os';
import { backendLabels } from './backends';
import type { CompanionResult } from './companions';
import type { EqualRateOptions } from './scenario';
import {
  EqualRateMemoryRow,
  equalRateMemoryTable,
  LoadRow,
  MemoryRow,
  loadTable,
  memoryTable,
  ratioTable,
  userTokenCostSentence,
  userTokenTable,
} from './report';

/** The machine a run happened on, for the report's header. */
export interface Machine {
  cores: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  platform: string;
  date: string;
  loadAverage: number;
}

export function machineOf(): Machine {
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: os.totalmem() / 1024 ** 3,
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    loadAverage: os.loadavg()[0],
  };
}

/**
 * Figures where ours is not ahead of an anchor, found in this run's rows, so the "not ahead" section
 * can never claim a lead the tables do not show.
 */
export function notAhead(load: LoadRow[], memory: MemoryRow[]): string[] {
  const lines: string[] = [];
  for (const ours of load.filter(r => r.kind === 'blueberry')) {
    for (const anchor of load.filter(
      r =>
        r.kind !== 'blueberry' &&
        r.applications === ours.applications &&
        r.environments === ours.environments &&
        r.connections === ours.connections,
    )) {
      const where = `${ours.applications.toLocaleString(
        'en-US',
      )} Applications, ${ours.environments} environments, ${
        ours.connections
      } client${ours.connections > 1 ? 's' : ''}`;
      const figures = [
        ['median latency', ours.load.medianMs, anchor.load.medianMs],
        ['p99 latency', ours.load.p99Ms, anchor.load.p99Ms],
      ] as const;
      for (const [figure, o, a] of figures) {
        if (o >= a) {
          lines.push(
            `${where}: ${figure} ${o.toFixed(1)} ms against ${a.toFixed(
              1,
            )} ms for ${backendLabels[anchor.kind]}.`,
          );
        }
      }
      if (ours.load.viewsPerSecond <= anchor.load.viewsPerSecond) {
        lines.push(
          `${where}: ${ours.load.viewsPerSecond.toFixed(
            0,
          )} views/s against ${anchor.load.viewsPerSecond.toFixed(0)} for ${
            backendLabels[anchor.kind]
          }.`,
        );
      }
    }
  }
  for (const ours of memory.filter(r => r.kind === 'blueberry')) {
    for (const anchor of memory.filter(
      r => r.kind !== 'blueberry' && r.applications === ours.applications,
    )) {
      const mib = (b: number) => (b / 1024 / 1024).toFixed(0);
      if (ours.peakRssBytes >= anchor.peakRssBytes) {
        lines.push(
          `${ours.applications.toLocaleString(
            'en-US',
          )} Applications: peak RSS ${mib(ours.peakRssBytes)} MiB against ${mib(
            anchor.peakRssBytes,
          )} MiB for ${backendLabels[anchor.kind]}.`,
        );
      }
      if (ours.retainedHeapBytes >= anchor.retainedHeapBytes) {
        lines.push(
          `${ours.applications.toLocaleString(
            'en-US',
          )} Applications: heap after GC ${mib(
            ours.retainedHeapBytes,
          )} MiB against ${mib(anchor.retainedHeapBytes)} MiB for ${
            backendLabels[anchor.kind]
          }.`,
        );
      }
      if (ours.readyMs >= anchor.readyMs) {
        lines.push(
          `${ours.applications.toLocaleString(
            'en-US',
          )} Applications: ready after ${(ours.readyMs / 1000).toFixed(
            1,
          )} s against ${(anchor.readyMs / 1000).toFixed(1)} s for ${
            backendLabels[anchor.kind]
          }.`,
        );
      }
    }
  }
  return lines;
}

/** Why ours can be behind, from how it works; the list above says where it was, this run. */
const WHY = [
  'Why:',
  '',
  '- **Memory.** Ours keeps a watch on every Blueberry Application of each Argo CD instance and holds a',
  '  compact copy of each, so what it holds grows with the number of Applications whether or not anyone',
  '  looks; the anchors hold nothing between calls. "Heap after GC" is that difference. The peaks are',
  '  larger than it: they are garbage not yet collected, from the load runs. Each scavenge promotes the',
  "  per-request objects in flight among 50 clients (Node's HTTP server, Express, the compression",
  '  middleware), and V8 collects the old generation lazily on a machine with 24 GiB, so the more views',
  '  a backend serves the higher its peak, and from run to run it moves by a few hundred MiB with when',
  '  the one full collection falls. "Peak memory at the same load" gives each backend the same work.',
  '  All three figures include the same base (Backstage, the catalog, TypeScript transpiled at load).',
  '- **Start-up.** Ours is ready only once its watch has received every Application as well as once',
  '  the catalog holds the entities; the anchors need only the catalog, and pay on every view instead.',
  '  The watch and the catalog fill at the same time, so on a loaded machine the gap varies from run to',
  '  run.',
  '- **The tail at one client.** With one client and a small entity every backend answers in a few',
  '  milliseconds on loopback, so a p99 there is set by pauses that have nothing to do with Argo CD',
  '  (garbage collection, the other processes on the two cores), and an anchor can match ours.',
  '',
  'What this benchmark does not show, and which way it leans:',
  '',
  '- The stand-in is on loopback and answers from a cache of pre-rendered JSON, faster than a real Argo',
  '  CD over a network; each Argo CD call the anchors make per view would cost more in production, so',
  '  the setup favours them.',
  '- The callers are service principals, which Backstage allows without asking the permission policy:',
  "  neither ours nor the community plugin pays for a policy decision here (Roadie's checks none). What",
  '  a user token and the policy cost ours is in its own section above; the anchors were not measured',
  '  that way.',
  '- One process per backend, no replicas; the machine is shared with other work (see the load average',
  '  above), so compare figures within this run only.',
].join('\n');

export function benchReport(options: {
  machine: Machine;
  durationS: number;
  totalS: number;
  load: LoadRow[];
  /** Ours behind a user token and the permission policy (empty when not run). */
  userTokenLoad: LoadRow[];
  memory: MemoryRow[];
  equalRate: EqualRateOptions;
  equalRateMemory: EqualRateMemoryRow[];
  companions: CompanionResult[];
}): string {
  const { machine, load, memory } = options;
  const scales = [...new Set(load.map(r => r.applications))];
  const behind = notAhead(load, memory);
  return [
    '# Benchmarks',
    '',
    '<!-- Written by `yarn bench` (packages/bench); edit the generator, not this file. -->',
    '',
    `Run on ${
      machine.date
    } with \`yarn bench\` (under \`flock /tmp/blueberry-bench.lock\`): ${
      machine.cores
    } cores (${machine.cpu}), ${machine.memoryGiB.toFixed(0)} GiB memory, ${
      machine.platform
    }, Node ${machine.node}; load average ${machine.loadAverage.toFixed(
      1,
    )} at the start (the machine is shared). ${
      options.durationS
    } s per load run; the whole run took ${Math.round(
      options.totalS,
    )} s. All figures come from this one run; compare them only with each other.`,
    '',
    '## Setup',
    '',
    '- The Argo CD stand-in (`@blueberry-idp/argocd-standin`, a test double) runs in its own process with',
    '  synthetic, settled Applications: `app-01` has 20 environments, `app-02` has 200, the rest spread',
    '  over 8 more apps. Each Application is about 9 KB of JSON, as real ones with status and history are.',
    '- Each backend is a real Backstage backend (`createBackend` from `@backstage/backend-defaults`, the',
    '  catalog on SQLite in memory holding the two entities, `NODE_ENV=production`, default log level)',
    '  plus one Argo CD plugin, in its own process, one at a time against the same stand-in:',
    `  ${backendLabels.blueberry} (\`@blueberry-idp/plugin-blueberry-backend\`), ${backendLabels.roadie}`,
    `  (\`@roadiehq/backstage-plugin-argo-cd-backend\`) and ${backendLabels.community}`,
    '  (`@backstage-community/plugin-argocd-backend` with `@backstage-community/plugin-argocd-node` 1.2.0).',
    '- Credentials, the same kind for all three: the load generator sends one static external-access token',
    '  (`backend.auth.externalAccess`, type `static`), so every call is authenticated by the real auth',
    '  service as a service principal. Backstage allows service principals without asking the permission',
    '  policy, so neither ours nor the community plugin (the two that check permissions) consults a',
    '  policy here. Each plugin reaches Argo CD with a static token in its own config',
    "  (`blueberry.argocd.instances[].token`; the anchors' `argocd.appLocatorMethods[].instances[].token`,",
    '  read in their installed sources), so none of them logs in to Argo CD per call.',
    '- Ours also runs behind a user token, at the smallest scale only (see its section below).',
    "- One **view** is what each plugin's own entity card requests to show one entity: ours",
    "  `GET /api/blueberry/environments?entityRef=…` (one call); Roadie's card",
    '  `/api/argocd/find/selector/:selector` then `/api/argocd/argoInstance/:instance/applications/selector/:selector`',
    '  (two calls, in order); the community card',
    '  `/api/backstage-community-argocd/argoInstance/:instance/applications/selector/:selector` (one call,',
    '  repeated every 10 s while the page is open).',
    '- Before measuring, each backend waits until its catalog holds both entities, then must answer every',
    '  entity with all its environments (for ours: its watch has synced); "ready after" is the time from',
    '  starting the process to that point. Then a 2 s warm-up at 10 clients.',
    '- Argo CD requests per view are counted at the stand-in (`/admin/stats`) over 20 views made one after',
    '  another (a count over a loaded run would be blurred by views cut off at its end).',
    '- Load: autocannon in the parent process, 1 and 50 concurrent clients, each client requesting views',
    "  back to back with `Accept-Encoding: gzip`, as a browser does (Backstage's backend compresses",
    '  answers: ours keeps each answer gzipped until it changes, the anchors are compressed on every',
    '  call), and without `If-None-Match` (ours would answer 304 to a browser that has the answer',
    "  already; that saving is not counted here). A view's latency runs from its first request to its",
    '  last response; views still in flight when the run ends count with the time they had taken (a',
    '  lower bound), so a slow tail is not cut off. views/s counts the views answered within the run.',
    "- Memory is the backend process's own: peak RSS from getrusage and the peak of heap use sampled every",
    '  50 ms, over its life at that scale (start-up, warm-up and all runs), and the heap still in use after',
    '  a full GC at the end (what it holds rather than what passed through it).',
    '',
    ...scales.flatMap(applications => [
      `## ${applications.toLocaleString('en-US')} Applications`,
      '',
      loadTable(load.filter(r => r.applications === applications)),
      '',
    ]),
    '`≥` marks a p99 that is a view still in flight when the run ended: the true p99 is at least that.',
    '',
    '## Ours against each anchor',
    '',
    'How many times better ours is (above 1× we are ahead, below 1× behind): views/s is ours ÷ anchor,',
    'latency anchor ÷ ours.',
    '',
    ratioTable(load),
    '',
    ...(options.userTokenLoad.length
      ? [
          '## Ours with a user token and the permission policy',
          '',
          'Per-request costs a plugin cannot remove: the same backend with ours, plus the auth backend with',
          'guest sign-in and the permission backend with the allow-all policy (`permission.enabled: true`),',
          "called with a guest user's Backstage token from `/api/auth/guest/refresh` instead of the service",
          'token. Every view then verifies the user token, and ours reads the entity from the catalog with',
          "the user's credentials and asks the permission policy, reusing both per user, entity and",
          'permission for `blueberry.accessCacheTtlSeconds` (default 10 s). The last variant sets it to 0,',
          'so every view pays for both. Each user-token row is next to ours behind the service token in the',
          'same run.',
          '',
          userTokenTable([...load, ...options.userTokenLoad]),
          '',
          userTokenCostSentence([...load, ...options.userTokenLoad]),
          '',
        ]
      : []),
    '## Peak memory and start-up',
    '',
    memoryTable(memory),
    '',
    ...(options.equalRateMemory.length
      ? [
          '## Peak memory at the same load',
          '',
          `The peaks above are each backend's over its own load runs, where ours serves many times the views the anchors do. Here each backend starts again in a fresh process and serves the same fixed ${options.equalRate.viewsPerSecond} views/s of the 20-environment entity from ${options.equalRate.connections} clients for ${options.equalRate.durationS} s (autocannon \`overallRate\`, no warm-up at full speed), so the peaks compare the same work.`,
          '',
          equalRateMemoryTable(options.equalRateMemory),
          '',
        ]
      : []),
    ...options.companions.flatMap(c => [
      `## ${c.title}`,
      '',
      `\`${c.command}\`${c.ok ? ', its output as printed:' : ''}`,
      '',
      c.markdown,
      '',
    ]),
    '## Where we are not ahead, and why',
    '',
    behind.length
      ? `Figures of this run where ours is not ahead of an anchor:\n\n${behind
          .map(line => `- ${line}`)
          .join('\n')}`
      : 'In this run ours is ahead of both anchors on every latency, throughput, memory and start-up figure above.',
    '',
    WHY,
    '',
  ].join('\n');
}
