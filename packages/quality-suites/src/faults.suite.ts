/*
 * Fault suite: every failure a real Argo CD shows, injected through the stand-in's knobs (or by
 * taking an instance off the network), against the published backend plugin running in a real test
 * backend. For each fault: what the REST API answers meanwhile, that nothing crashes, and that it
 * comes back fresh on its own once the fault ends. Prints a table at the end.
 *
 * Run: yarn test:faults (from the repository root).
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  ArgoCdStandIn,
  DEFAULT_KNOBS,
  startArgoCdStandIn,
} from '@blueberry-idp/argocd-standin';
import type {
  Environment,
  EnvironmentsResponse,
} from '@blueberry-idp/plugin-blueberry-common';
import request from 'supertest';
import {
  BlueberryBackend,
  entity,
  eventually,
  startBlueberry,
  startTcpProxy,
  TOKEN,
} from './lib/backend';
import { ResultTable } from './lib/table';
import {
  createAction,
  GitRepository,
  gitopsConfig,
  mockContext,
  proposeAction,
  validCreateInput,
} from './lib/scaffolder';

const ENTITY_REF = 'component:default/shop';
const ENVIRONMENTS = ['app-01-pr-1', 'app-01-pr-2', 'app-01-pr-3'];
/** Short on purpose, so a slow Argo CD is a timeout and not just a slow page. */
const REQUEST_TIMEOUT_MS = 1000;
/** Generous bound for recovery: the plugin's own backoff (auth failures wait 30 to 60 s) plus slack. */
const RECOVERY_BOUND_MS = 100_000;

const table = new ResultTable([
  'fault',
  'API during fault',
  'recovered',
  'time to recover',
]);

const unhandled: string[] = [];
const onUnhandled = (reason: unknown) =>
  unhandled.push(`unhandledRejection: ${String(reason)}`);
const onUncaught = (error: Error) =>
  unhandled.push(`uncaughtException: ${error.message}`);

let standInA: ArgoCdStandIn;
let standInB: ArgoCdStandIn;
let proxyA: Awaited<ReturnType<typeof startTcpProxy>>;
let proxyB: Awaited<ReturnType<typeof startTcpProxy>>;
let backend: BlueberryBackend;

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUncaught);
  const options = {
    token: TOKEN,
    waveDelayMs: 100,
    pollIntervalMs: 200,
    synthetic: { count: ENVIRONMENTS.length, apps: 1 },
    onError: () => {},
  };
  standInA = await startArgoCdStandIn(options);
  standInB = await startArgoCdStandIn(options);
  proxyA = await startTcpProxy({ host: '127.0.0.1', port: standInA.port });
  proxyB = await startTcpProxy({ host: '127.0.0.1', port: standInB.port });
  backend = await startBlueberry({
    instances: [
      { name: 'a', url: proxyA.url, requestTimeoutMs: REQUEST_TIMEOUT_MS },
      { name: 'b', url: proxyB.url, requestTimeoutMs: REQUEST_TIMEOUT_MS },
    ],
    entities: [entity('shop', { 'blueberry.io/app': 'app-01' })],
  });
});

after(async () => {
  await backend?.stop();
  await proxyA?.stop();
  await proxyB?.stop();
  await standInA?.stop();
  await standInB?.stop();
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUncaught);
  console.log(`\n## Fault suite\n\n${table.toMarkdown()}\n`);
});

async function list(): Promise<EnvironmentsResponse> {
  const res = await request(backend.server)
    .get('/api/blueberry/environments')
    .query({ entityRef: ENTITY_REF })
    .set('Authorization', 'Bearer mock-user-token');
  assert.equal(res.status, 200, `list answered ${res.status}: ${res.text}`);
  return res.body;
}

async function detail(instance: string, name = ENVIRONMENTS[0]) {
  const res = await request(backend.server)
    .get(`/api/blueberry/environments/${instance}/${name}`)
    .query({ entityRef: ENTITY_REF })
    .set('Authorization', 'Bearer mock-user-token');
  return { status: res.status, body: res.body as Environment };
}

async function refresh(instance: string, name = ENVIRONMENTS[0]) {
  return (await refreshResponse(instance, name)).status;
}

function refreshResponse(instance: string, name = ENVIRONMENTS[0]) {
  return request(backend.server)
    .post(`/api/blueberry/environments/${instance}/${name}/refresh`)
    .query({ entityRef: ENTITY_REF })
    .set('Authorization', 'Bearer mock-user-token');
}

const itemsOf = (body: EnvironmentsResponse, instance: string) =>
  body.items.filter(e => e.instance === instance);

/** Both instances current: every environment there, none stale, no errors. */
function isFresh(body: EnvironmentsResponse): boolean {
  return (
    body.errors.length === 0 &&
    itemsOf(body, 'a').length === ENVIRONMENTS.length &&
    itemsOf(body, 'b').length === ENVIRONMENTS.length &&
    body.items.every(e => !e.stale)
  );
}

async function waitFresh(timeoutMs: number, what: string) {
  return eventually(
    async () => {
      const body = await list();
      if (!isFresh(body)) return false;
      // The single-environment route goes to Argo CD for the tree: it must work too.
      const one = await detail('a');
      const hasTree = one.body.waves?.some(w =>
        w.resources.some(r => (r.children?.length ?? 0) > 0),
      );
      return one.status === 200 && !one.body.stale && hasTree && body;
    },
    timeoutMs,
    what,
  );
}

/** What the API says about instance `instance` right now, in a table cell. */
function describeList(body: EnvironmentsResponse, instance: string): string {
  const items = itemsOf(body, instance);
  const stale = items.filter(e => e.stale).length;
  const errors = body.errors
    .filter(e => e.instance === instance)
    .map(e => `"${e.message.slice(0, 90)}"`);
  const others = body.items.filter(
    e => e.instance !== instance && !e.stale,
  ).length;
  return `list 200, ${instance}: ${
    items.length
  } items (${stale} stale), errors[${errors.length}] ${errors.join(
    ' ',
  )}; other instance ${others} fresh`;
}

interface FaultCase {
  name: string;
  instance?: 'a' | 'b';
  begin: () => void | Promise<void>;
  /** The state of the list that shows the fault is in effect. */
  visible: (body: EnvironmentsResponse) => boolean;
  /** Checks of what the API answers during the fault; returns extra cells of text. */
  during?: (body: EnvironmentsResponse) => Promise<string>;
  end: () => void | Promise<void>;
  /** Checks after recovery; returns text added to the "recovered" cell. */
  afterRecovery?: () => Promise<string>;
  /**
   * For a fault that leaves the list current (nothing goes stale), what recovering means instead:
   * polled after the fault ends until it returns the text for the "recovered" cell.
   */
  recoveredWhen?: { what: string; check: () => Promise<string | false> };
}

function resetKnobs(standIn: ArgoCdStandIn) {
  Object.assign(standIn.knobs, {
    ...DEFAULT_KNOBS,
    waveDelayMs: 100,
  });
}

async function runFault(fault: FaultCase) {
  const instance = fault.instance ?? 'a';
  await waitFresh(RECOVERY_BOUND_MS, `a fresh start before "${fault.name}"`);
  await fault.begin();
  let duringText = '';
  try {
    const body = await eventually(
      async () => {
        const current = await list();
        return fault.visible(current) && current;
      },
      20_000,
      `the fault "${fault.name}" to show in the API`,
    );
    // One unreachable instance leaves the other's items intact and current.
    const other = instance === 'a' ? 'b' : 'a';
    assert.equal(itemsOf(body, other).length, ENVIRONMENTS.length);
    assert.ok(itemsOf(body, other).every(e => !e.stale));
    duringText = describeList(body, instance);
    if (fault.during) duringText += `; ${await fault.during(body)}`;
  } finally {
    await fault.end();
  }
  const endedAt = Date.now();
  let recovered = 'no';
  let took = `> ${RECOVERY_BOUND_MS / 1000} s`;
  try {
    const body = await waitFresh(
      RECOVERY_BOUND_MS,
      `recovery after "${fault.name}"`,
    );
    if (fault.recoveredWhen) {
      // The list never went stale, so its being fresh says nothing about recovery.
      const seen = await eventually(
        fault.recoveredWhen.check,
        RECOVERY_BOUND_MS,
        `${fault.recoveredWhen.what} after "${fault.name}"`,
      );
      took = `${((Date.now() - endedAt) / 1000).toFixed(1)} s until ${
        fault.recoveredWhen.what
      } (the list was never stale)`;
      recovered = `yes: ${seen}`;
    } else {
      took = `${((Date.now() - endedAt) / 1000).toFixed(1)} s`;
      recovered = `yes: ${body.items.length} items, stale: false, errors: []`;
    }
    if (fault.afterRecovery) recovered += `; ${await fault.afterRecovery()}`;
  } finally {
    table.add(fault.name, duringText, recovered, took);
  }
  assert.deepEqual(unhandled, []);
}

const staleWithError =
  (instance: string, pattern: RegExp) => (body: EnvironmentsResponse) =>
    body.errors.some(e => e.instance === instance && pattern.test(e.message)) &&
    itemsOf(body, instance).length === ENVIRONMENTS.length &&
    itemsOf(body, instance).every(e => e.stale);

/** Refresh (an action that must reach Argo CD) during the fault, and the detail route. */
async function actionsDuring(instance: string, expectRefresh: number[]) {
  const one = await detail(instance);
  const refreshStatus = await refresh(instance);
  assert.ok(
    [200].includes(one.status),
    `detail answered ${one.status} during the fault`,
  );
  assert.ok(
    expectRefresh.includes(refreshStatus),
    `refresh answered ${refreshStatus}, expected ${expectRefresh}`,
  );
  return `detail ${one.status} (stale: ${one.body.stale}); refresh ${refreshStatus}`;
}

test('slow responses past requestTimeoutMs', async () => {
  await runFault({
    name: `slow answers: 2500 ms latency, requestTimeoutMs ${REQUEST_TIMEOUT_MS}`,
    begin: () => {
      standInA.knobs.latencyMs = 2500;
      proxyA.cut();
    },
    visible: staleWithError('a', /stream broke|did not open within/),
    during: async () => {
      // The list is served from memory; an action has to wait for Argo CD and must time out.
      const started = Date.now();
      const status = await refresh('a');
      assert.equal(status, 503);
      return `refresh ${status} after ${((Date.now() - started) / 1000).toFixed(
        1,
      )} s (timeout and 2 retries)`;
    },
    end: () => resetKnobs(standInA),
  });
});

function errorBurstTest(status: number) {
  test(`HTTP ${status} burst`, async () => {
    await runFault({
      name: `HTTP ${status} burst (every request)`,
      begin: () => {
        standInA.knobs.errorStatus = status;
        standInA.knobs.errorBurst = 100_000;
        proxyA.cut();
      },
      visible: staleWithError('a', new RegExp(`HTTP ${status}`)),
      during: () => actionsDuring('a', [503]),
      end: () => resetKnobs(standInA),
    });
  });
}
[500, 502, 503, 504].forEach(errorBurstTest);

test('HTTP 429 rate limiting', async () => {
  await runFault({
    name: 'HTTP 429 Too Many Requests (Retry-After: 1)',
    begin: () => {
      standInA.knobs.errorStatus = 429;
      standInA.knobs.errorBurst = 100_000;
      proxyA.cut();
    },
    visible: staleWithError('a', /HTTP 429/),
    during: async () => {
      const summary = await actionsDuring('a', [503]);
      // Argo CD's Retry-After reaches the caller of an action it refused.
      const res = await refreshResponse('a');
      assert.equal(res.status, 503);
      assert.equal(res.headers['retry-after'], '1');
      return `${summary}, Retry-After ${res.headers['retry-after']}`;
    },
    end: () => resetKnobs(standInA),
  });
});

test('a watch stream cut in the middle of an event, while a sync runs', async () => {
  const target = ENVIRONMENTS[1];
  let sawCut = false;
  await runFault({
    name: 'stream cut mid-event after every event, during a sync',
    begin: async () => {
      standInA.knobs.waveDelayMs = 400;
      standInA.knobs.streamDropAfterEvents = 1;
      const res = await fetch(
        `${standInA.url}/api/v1/applications/${target}/sync`,
        {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${TOKEN}`,
            'Content-Type': 'application/json',
          },
          body: JSON.stringify({ name: target }),
        },
      );
      assert.equal(res.status, 200);
    },
    visible: body => {
      sawCut ||= body.errors.some(
        e => e.instance === 'a' && /stream broke/.test(e.message),
      );
      return sawCut;
    },
    end: () => resetKnobs(standInA),
    // No change was missed across the cuts: the backend's picture equals Argo CD's.
    afterRecovery: async () => {
      // Once Argo CD finished the sync, the plugin shows exactly its final state.
      const seen = await eventually(
        async () => {
          const truth = await (
            await fetch(`${standInA.url}/api/v1/applications/${target}`, {
              headers: { Authorization: `Bearer ${TOKEN}` },
            })
          ).json();
          if (truth.status.operationState?.phase !== 'Succeeded') return false;
          const one = await detail('a', target);
          return one.body.operation?.phase === 'Succeeded' &&
            one.body.health === truth.status.health.status &&
            one.body.sync === truth.status.sync.status
            ? one.body
            : false;
        },
        30_000,
        `${target} to match Argo CD's final state after the cuts`,
      );
      return `${target} matches Argo CD (operation ${seen.operation?.phase}, ${seen.health}, ${seen.sync})`;
    },
  });
});

test('malformed JSON bodies', async () => {
  await runFault({
    name: 'malformed JSON (every JSON body cut in half)',
    begin: () => {
      standInA.knobs.malformedBodies = 100_000;
    },
    // The watch is not JSON-bodied: the list stays current, nothing stale and no error. The fault
    // shows on the calls that are: the tree of the detail route, and refresh.
    visible: isFresh,
    during: async () => {
      const one = await detail('a');
      assert.equal(one.status, 200);
      const children = one.body.waves.some(w =>
        w.resources.some(r => (r.children?.length ?? 0) > 0),
      );
      const status = await refresh('a');
      assert.equal(status, 503);
      return `detail ${one.status} (tree ${
        children ? 'from cache, unchanged app' : 'omitted'
      }); refresh ${status}`;
    },
    end: () => resetKnobs(standInA),
    recoveredWhen: {
      what: 'refresh answers 202',
      check: async () => {
        const status = await refresh('a');
        return status === 202 && `refresh ${status} again, list current`;
      },
    },
  });
});

test('malformed JSON on the first list of a starting backend', async () => {
  standInA.knobs.malformedBodies = 100_000;
  const fresh = await startBlueberry({
    instances: [{ name: 'a', url: standInA.url }],
    entities: [entity('shop', { 'blueberry.io/app': 'app-01' })],
  });
  let during = '';
  try {
    const body = await eventually(
      async () => {
        const res = await request(fresh.server)
          .get('/api/blueberry/environments')
          .query({ entityRef: ENTITY_REF })
          .set('Authorization', 'Bearer mock-user-token');
        return res.status === 200 && res.body.errors.length > 0 && res.body;
      },
      20_000,
      'the malformed list to show in errors',
    );
    assert.equal(body.items.length, 0);
    during = `list 200, items 0, errors[1] "${body.errors[0].message.slice(
      0,
      90,
    )}"`;
    resetKnobs(standInA);
    const endedAt = Date.now();
    let took = '> 60 s';
    let recovered = 'no';
    try {
      await eventually(
        async () => {
          const res = await request(fresh.server)
            .get('/api/blueberry/environments')
            .query({ entityRef: ENTITY_REF })
            .set('Authorization', 'Bearer mock-user-token');
          return (
            res.body.errors?.length === 0 &&
            res.body.items.length === ENVIRONMENTS.length &&
            res.body.items.every((e: Environment) => !e.stale)
          );
        },
        60_000,
        'the starting backend to load its list',
      );
      took = `${((Date.now() - endedAt) / 1000).toFixed(1)} s`;
      recovered = `yes: ${ENVIRONMENTS.length} items, stale: false, errors: []`;
    } finally {
      table.add(
        'malformed JSON on the first list (backend starting)',
        during,
        recovered,
        took,
      );
    }
  } finally {
    resetKnobs(standInA);
    await fresh.stop();
  }
  assert.deepEqual(unhandled, []);
});

test('one of two instances down', async () => {
  await runFault({
    name: 'instance b off the network (connections reset)',
    instance: 'b',
    begin: () => proxyB.down(),
    visible: staleWithError('b', /unreachable/),
    during: async () => {
      const one = await detail('b');
      assert.equal(one.status, 200);
      assert.equal(one.body.stale, true);
      const status = await refresh('b');
      assert.equal(status, 503);
      return `detail ${one.status} (stale: ${one.body.stale}, from memory); refresh ${status}`;
    },
    end: () => proxyB.up(),
  });
});

test('an expired token', async () => {
  await runFault({
    name: 'expired token (401 "token is expired")',
    begin: () => {
      standInA.knobs.tokenExpired = true;
      proxyA.cut();
    },
    visible: staleWithError('a', /refused the configured token/),
    during: () => actionsDuring('a', [503]),
    end: () => resetKnobs(standInA),
  });
});

/** The GitOps fault spans two tests: the refusal, and the retry once git accepts again. */
const gitFault = {
  workspace: '',
  repo: undefined as GitRepository | undefined,
  during: '',
};
const GIT_FAULT_NAME =
  'GitOps repository refuses the commit (pre-commit hook exits 1)';

test('the GitOps repository refuses the commit: the action fails and commits nothing', async () => {
  gitFault.workspace = await fs.mkdtemp(
    path.join(os.tmpdir(), 'quality-faults-ws-'),
  );
  const repo = await GitRepository.create('quality-faults-gitops-');
  gitFault.repo = repo;
  const config = gitopsConfig(repo.path);
  await createAction(config).handler(
    mockContext(validCreateInput('pr-7'), gitFault.workspace),
  );
  const head = repo.head();
  // A pre-commit hook that refuses, as a protected repository or a policy check would.
  const hook = path.join(repo.path, '.git', 'hooks', 'pre-commit');
  await fs.writeFile(hook, '#!/bin/sh\necho "refused by policy" >&2\nexit 1\n');
  await fs.chmod(hook, 0o755);

  const error = await proposeAction(config)
    .handler(mockContext({ environment: 'pr-7' }, gitFault.workspace))
    .then(
      () => undefined,
      (e: Error) => e,
    );
  try {
    assert.ok(error, 'the propose action must fail when git refuses');
    assert.match(error.message, /refused by policy/);
    assert.equal(repo.head(), head, 'nothing committed');
    const leftovers = repo.status();
    gitFault.during = `action throws ${error.name}: "${error.message
      .replace(/\s+/g, ' ')
      .slice(0, 100)}"; HEAD unchanged; working tree ${
      leftovers
        ? `left dirty (${leftovers.split('\n').length} uncommitted files)`
        : 'clean'
    }`;
    assert.equal(leftovers, '', 'nothing left behind in the working tree');
  } finally {
    await fs.rm(hook);
  }
  assert.deepEqual(unhandled, []);
});

test('the GitOps repository refuses the commit: the same commit succeeds once git accepts it', async () => {
  const repo = gitFault.repo!;
  const startedAt = Date.now();
  let recovered = 'no';
  let took = 'n/a';
  try {
    const retry = await proposeAction(gitopsConfig(repo.path))
      .handler(mockContext({ environment: 'pr-7' }, gitFault.workspace))
      .then(
        () => undefined,
        (e: Error) => e,
      );
    if (retry) {
      recovered = `no: retry fails with ${retry.name}: "${retry.message
        .replace(/\s+/g, ' ')
        .slice(0, 100)}"`;
    } else {
      took = `${((Date.now() - startedAt) / 1000).toFixed(1)} s`;
      recovered = 'yes: the retry commits environments/pr-7';
    }
    assert.equal(
      retry,
      undefined,
      'the same commit succeeds once git accepts it',
    );
    assert.ok(repo.lsTree().includes('environments/pr-7/application.yaml'));
  } finally {
    table.add(GIT_FAULT_NAME, gitFault.during, recovered, took);
    await fs.rm(gitFault.workspace, { recursive: true, force: true });
    await repo.remove();
  }
});

test('no unhandled rejection or uncaught exception in the whole suite', () => {
  assert.deepEqual(unhandled, []);
  table.add(
    'whole suite: unhandledRejection / uncaughtException',
    `${unhandled.length} seen`,
    'n/a',
    'n/a',
  );
});
