/*
 * Security suite: the published backend plugin in a real test backend, with the Argo CD stand-in
 * behind a proxy that records every request line the plugin sends; and the scaffolder actions on
 * real workspaces and a real git repository. Credentials, permissions, hostile path and query values,
 * the token in bodies and logs, hostile template input. Prints a table at the end.
 *
 * Run: yarn test:security (from the repository root).
 */
/* eslint-disable no-script-url -- hostile javascript: URLs are the input under test */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  coreServices,
  createServiceFactory,
  PermissionsService,
  resolvePackagePath,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ArgoCdStandIn,
  environmentFiles,
  startArgoCdStandIn,
  startChartRepository,
  typicalEnvironment,
  writeClusterAdminChart,
} from '@blueberry-idp/argocd-standin';
import {
  BlueberryBackend,
  entity,
  eventually,
  SignalRecorder,
  startBlueberry,
  TOKEN,
} from './lib/backend';
import {
  GitlabGitopsRepository,
  initGitopsRepository,
} from '@blueberry-idp/plugin-blueberry-node';
import { startRecordingProxy } from './lib/proxies';
import {
  createAction,
  destroyAction,
  filesUnder,
  GitRepository,
  gitopsConfig,
  mockContext,
  proposeAction,
  validCreateInput,
} from './lib/scaffolder';
import { ResultTable } from './lib/table';

/** The token of a second, misconfigured instance: its refusal must not echo it either. */
const WRONG_TOKEN = 'argocd-wrong-token-quality-suite-3b8d0e';
const ENVIRONMENTS = ['app-01-pr-1', 'app-01-pr-2'];
const SHOP = 'component:default/shop';

const table = new ResultTable(['check', 'expected', 'result']);
/** Every response body and log line of the suite, searched for the tokens at the end. */
const seen: string[] = [];

let standIn: ArgoCdStandIn;
type RecordingProxy = Awaited<ReturnType<typeof startRecordingProxy>>;
/** Each backend talks to the stand-in through its own recording proxy, so requests are attributable. */
const backends: Array<{ backend: BlueberryBackend; proxy: RecordingProxy }> =
  [];

const OTHER = 'component:default/other';
const WIDENER = 'component:default/widener';
const REDOS = 'component:default/redos';
/** The selector that held the event loop for 5 s under the old regex. */
const REDOS_SELECTOR = `a=${' '.repeat(64_000)}!`;

const ENTITIES = [
  entity('shop', { 'blueberry.io/app': 'app-01' }),
  entity('other', { 'blueberry.io/app': 'app-02' }),
  // Registered by a user of another team to reach every environment: it selects them all.
  entity('widener', { 'argocd/app-selector': 'blueberry.io/role' }),
  entity('redos', { 'argocd/app-selector': REDOS_SELECTOR }),
];

/** No header means no credentials (the test backend would otherwise default to a user). */
const noDefaultCredentials = mockServices.httpAuth.factory({
  defaultCredentials: mockCredentials.none(),
});

/** A permission policy that denies one permission and allows the rest. */
function denying(permissionName: string) {
  const decide = (name: string) =>
    name === permissionName ? AuthorizeResult.DENY : AuthorizeResult.ALLOW;
  const service: PermissionsService = {
    authorize: async requests =>
      requests.map(r => ({ result: decide(r.permission.name) })) as any,
    authorizeConditional: async requests =>
      requests.map(r => ({ result: decide(r.permission.name) })) as any,
  };
  return createServiceFactory({
    service: coreServices.permissions,
    deps: {},
    factory: () => service,
  });
}

async function backendWith(
  extra: ServiceFactory[] = [],
  options: { signals?: ServiceFactory; config?: Record<string, unknown> } = {},
) {
  const proxy = await startRecordingProxy(standIn.port);
  const backend = await startBlueberry({
    signals: options.signals,
    config: options.config,
    instances: [
      { name: 'local', url: proxy.url },
      { name: 'misconfigured', url: proxy.url, token: WRONG_TOKEN },
    ],
    entities: ENTITIES,
    extraFeatures: [noDefaultCredentials, ...extra],
  });
  backends.push({ backend, proxy });
  // Ready: the environments of the shop are loaded from Argo CD (seen through whichever route the
  // permissions allow).
  const user = mockCredentials.user.header();
  await eventually(
    async () => {
      const list = await send(
        backend,
        'GET',
        `/environments?entityRef=${encodeURIComponent(SHOP)}`,
        user,
      );
      if (list.status === 200)
        return JSON.parse(list.body).items.length === ENVIRONMENTS.length;
      // Read denied: a refresh, authorised on the recorded source entity, shows it is loaded.
      const action = await send(
        backend,
        'POST',
        '/environments/local/app-01-pr-1/refresh',
        user,
      );
      return list.status === 403 && action.status === 202;
    },
    30_000,
    'the backend to load the shop environments',
  );
  return { backend, proxy };
}

interface RawResponse {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/**
 * Sends `path` byte for byte (no normalisation of `..`, no re-encoding), as a hostile client would;
 * supertest's URL handling would clean some of these up before they reach the server.
 */
function send(
  backend: BlueberryBackend,
  method: 'GET' | 'POST',
  pathAndQuery: string,
  authorization?: string,
): Promise<RawResponse> {
  const { port } = backend.server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: `/api/blueberry${pathAndQuery}`,
        headers: authorization ? { Authorization: authorization } : {},
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          seen.push(body);
          resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Links a hostile merge request annotation carries, per environment. */
const UNSAFE_LINKS: Record<string, string> = {
  'app-01-pr-1': 'javascript:alert(document.cookie)',
  'app-01-pr-2': 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
};

/** The GitOps repository the stand-in reconciles: the shop's environments, recorded as its own. */
let gitopsRepo: GitRepository;

before(async () => {
  gitopsRepo = await GitRepository.create('quality-security-argocd-');
  for (const name of ENVIRONMENTS) {
    const env = typicalEnvironment(name, 'app-01', Number(name.slice(-1)));
    for (const [file, content] of Object.entries(environmentFiles(env))) {
      const target = path.join(gitopsRepo.path, file);
      await fs.mkdir(path.dirname(target), { recursive: true });
      // The stand-in's fixture writer records no source entity; Blueberry's renderer does.
      await fs.writeFile(
        target,
        file.endsWith('/application.yaml')
          ? content.replace(
              /^metadata:\n/m,
              `metadata:\n  annotations:\n    blueberry.io/source-entity: ${SHOP}\n    blueberry.io/merge-request: ${JSON.stringify(
                UNSAFE_LINKS[name],
              )}\n`,
            )
          : content,
      );
    }
  }
  gitopsRepo.git('add', '-A');
  gitopsRepo.git('commit', '-q', '-m', 'the shop environments');
  standIn = await startArgoCdStandIn({
    repoPath: gitopsRepo.path,
    token: TOKEN,
    waveDelayMs: 100,
    pollIntervalMs: 200,
    onError: () => {},
  });
});

after(async () => {
  for (const { backend, proxy } of backends) {
    await backend.stop();
    seen.push(...backend.logs.lines);
    await proxy.stop();
  }
  await standIn?.stop();
  await gitopsRepo?.remove();
  console.log(`\n## Security suite\n\n${table.toMarkdown()}\n`);
});

const ROUTES: Array<['GET' | 'POST', string]> = [
  ['GET', `/environments?entityRef=${encodeURIComponent(SHOP)}`],
  ['GET', '/environments/local/app-01-pr-1'],
  [
    'GET',
    `/environments/local/app-01-pr-1?entityRef=${encodeURIComponent(SHOP)}`,
  ],
  ['POST', '/environments/local/app-01-pr-1/refresh'],
  ['POST', '/environments/local/app-01-pr-1/sync'],
  ['POST', '/environments/local/app-01-pr-1/keep'],
];

/**
 * What a user who passes credentials and permissions gets: keep answers 503 here because the suite
 * configures no GitOps repository for the lifecycle; a repeated refresh or sync within the rate
 * limit's interval 429. Both are past the checks under test.
 */
const PAST_THE_CHECKS = [200, 202, 409, 429, 503];

test('every route answers 401 without valid credentials', async () => {
  const { backend } = await backendWith();
  const callers: Array<[string, string | undefined]> = [
    ['no Authorization header', undefined],
    ['"none" credentials', mockCredentials.none.header()],
    ['an invalid user token', mockCredentials.user.invalidHeader()],
    ['a malformed header', 'Bearer'],
  ];
  for (const [method, route] of ROUTES) {
    const statuses: number[] = [];
    for (const [, authorization] of callers) {
      statuses.push((await send(backend, method, route, authorization)).status);
    }
    // Control: the same route with a user works, so the 401 is about credentials.
    const control = (
      await send(backend, method, route, mockCredentials.user.header())
    ).status;
    table.add(
      `${method} ${route} with ${callers.map(c => c[0]).join(' / ')}`,
      '401 each (a user gets past: 2xx, 409, 429 rate limit, or 503 for keep)',
      `${statuses.join(' / ')} (user: ${control})`,
    );
    assert.deepEqual(
      statuses,
      callers.map(() => 401),
      `${method} ${route}`,
    );
    assert.ok(PAST_THE_CHECKS.includes(control), `${route} control ${control}`);
  }
});

test('every route answers 403 when its permission is denied', async () => {
  const { backend: readDenied } = await backendWith([
    denying('blueberry.environment.read'),
  ]);
  const { backend: syncDenied } = await backendWith([
    denying('blueberry.environment.sync'),
  ]);
  const user = mockCredentials.user.header();
  for (const [method, route] of ROUTES) {
    const needs =
      method === 'GET'
        ? 'blueberry.environment.read'
        : 'blueberry.environment.sync';
    const denied = method === 'GET' ? readDenied : syncDenied;
    const allowed = method === 'GET' ? syncDenied : readDenied;
    const status = (await send(denied, method, route, user)).status;
    const other = (await send(allowed, method, route, user)).status;
    table.add(
      `${method} ${route}, ${needs} denied`,
      '403 (past the checks when only the other permission is denied)',
      `${status} (${other})`,
    );
    assert.equal(status, 403, `${method} ${route}`);
    assert.ok(PAST_THE_CHECKS.includes(other), `${route} allowed: ${other}`);
  }
});

const HOSTILE: Array<[string, string]> = [
  ['encoded slashes', '..%2F..%2Fsession'],
  ['encoded slash after a real name', 'app-01-pr-1%2F..%2F..%2Fsession'],
  ['encoded dot-dot', '%2E%2E'],
  ['literal dot-dot', '..'],
  ['double-encoded slash', 'app-01-pr-1%252Fresource-tree'],
  ['encoded ?', 'app-01-pr-1%3Frefresh%3Dhard'],
  ['encoded #', 'app-01-pr-1%23x'],
  ['10k characters', 'a'.repeat(10_000)],
  ['unicode (right-to-left override)', 'app-01-pr-1%E2%80%AE'],
  ['unicode letters', '%C3%BCml%C3%A4ut'],
  ['fullwidth solidus', 'app-01-pr-1%EF%BC%8F..'],
  ['CRLF header injection', 'app-01-pr-1%0D%0AX-Injected%3A%201'],
  ['NUL byte', 'app-01-pr-1%00'],
  ['upper case (not a Kubernetes name)', 'APP-01-PR-1'],
];

/** The only request lines the plugin may send to Argo CD in this suite. */
const ALLOWED_ARGOCD_REQUESTS = [
  /^GET \/api\/v1\/applications\?selector=blueberry\.io%2Frole&fields=[\w.%,]+$/,
  /^GET \/api\/v1\/stream\/applications\?selector=blueberry\.io%2Frole(&resourceVersion=\d+)?$/,
  /^GET \/api\/v1\/applications\/app-01-pr-[12]\/resource-tree$/,
  /^GET \/api\/v1\/applications\/app-01-pr-[12]\?refresh=normal$/,
  /^POST \/api\/v1\/applications\/app-01-pr-[12]\/sync$/,
];
/**
 * The one line a settled backend sends by itself: its watch stream (re)opening. A list is not
 * excused: the backend lists once at start-up, before any check here begins.
 */
const isWatchStream = (line: string) =>
  /^GET \/api\/v1\/stream\/applications\?/.test(line);
/** The request lines the proxy saw since `from`, the watch stream left out. */
const sentSince = (proxy: RecordingProxy, from: number) =>
  proxy.requests.slice(from).filter(line => !isWatchStream(line));

test('hostile :instance, :name and entityRef values are refused and reach no Argo CD path', async () => {
  // A backend of its own that has shown no environment yet: anything but its watch that reaches
  // Argo CD now was caused by a hostile request.
  const { backend, proxy } = await backendWith();
  const user = mockCredentials.user.header();
  const from = proxy.requests.length;
  const slots: Array<[string, (v: string) => Array<['GET' | 'POST', string]>]> =
    [
      [
        ':name',
        v => [
          ['GET', `/environments/local/${v}`],
          [
            'GET',
            `/environments/local/${v}?entityRef=${encodeURIComponent(SHOP)}`,
          ],
          ['POST', `/environments/local/${v}/refresh`],
          ['POST', `/environments/local/${v}/sync`],
          ['POST', `/environments/local/${v}/keep`],
        ],
      ],
      [
        ':instance',
        v => [
          ['GET', `/environments/${v}/app-01-pr-1`],
          ['POST', `/environments/${v}/app-01-pr-1/sync`],
        ],
      ],
      [
        'entityRef',
        v => [
          ['GET', `/environments?entityRef=component:default/${v}`],
          ['GET', `/environments?entityRef=${v}`],
          [
            'GET',
            `/environments/local/app-01-pr-1?entityRef=component:default/${v}`,
          ],
          [
            'POST',
            `/environments/local/app-01-pr-1/sync?entityRef=component:default/${v}`,
          ],
        ],
      ],
    ];
  const extraEntityRefs: Array<[string, string]> = [
    [
      'second entityRef parameter',
      `${encodeURIComponent(SHOP)}&entityRef=component:default/other`,
    ],
    [
      'unknown query parameter',
      `${encodeURIComponent(SHOP)}&path=/api/v1/session`,
    ],
  ];
  for (const [slot, routesFor] of slots) {
    const cases =
      slot === 'entityRef' ? [...HOSTILE, ...extraEntityRefs] : HOSTILE;
    for (const [what, value] of cases) {
      const statuses: number[] = [];
      // Checked per case, so a request one case causes is not hidden among the others.
      const caseFrom = proxy.requests.length;
      for (const [method, route] of routesFor(value)) {
        const res = await send(backend, method, route, user);
        statuses.push(res.status);
        assert.equal(res.headers['x-injected'], undefined, 'header injection');
      }
      const refused = statuses.every(s => s === 400 || s === 404);
      const caused = sentSince(proxy, caseFrom);
      table.add(
        `${slot} = ${what}`,
        '400/404 on every route, no Argo CD request',
        `${statuses.join(' / ')}; Argo CD requests: ${
          caused.length ? caused.join(', ') : 'none'
        }`,
      );
      assert.ok(refused, `${slot} = ${what}: ${statuses.join(', ')}`);
      assert.deepEqual(caused, [], `${slot} = ${what} reached Argo CD`);
    }
  }
  // A real entity, but not the one the environment belongs to: the environment is not found there.
  const foreign = encodeURIComponent('component:default/other');
  const foreignStatuses: number[] = [];
  for (const [method, route] of [
    ['GET', `/environments/local/app-01-pr-1?entityRef=${foreign}`],
    ['POST', `/environments/local/app-01-pr-1/refresh?entityRef=${foreign}`],
    ['POST', `/environments/local/app-01-pr-1/sync?entityRef=${foreign}`],
    ['POST', `/environments/local/app-01-pr-1/keep?entityRef=${foreign}`],
  ] as const) {
    foreignStatuses.push((await send(backend, method, route, user)).status);
  }
  table.add(
    "entityRef = another entity, on this entity's environment",
    '404 on every single-environment route, no Argo CD request',
    foreignStatuses.join(' / '),
  );
  assert.deepEqual(foreignStatuses, [404, 404, 404, 404]);

  const sent = sentSince(proxy, from);
  table.add(
    'Argo CD requests caused by the hostile values (proxy request log)',
    'none beyond the watch stream',
    sent.length ? sent.join(', ') : 'none',
  );
  assert.deepEqual(sent, []);
});

test('the plugin only ever requested the fixed Argo CD paths', async () => {
  // Legitimate traffic too, so the allow-list is exercised by every template.
  const { backend } = backends[0];
  const user = mockCredentials.user.header();
  await send(backend, 'GET', '/environments/local/app-01-pr-2', user);
  await send(backend, 'POST', '/environments/local/app-01-pr-2/refresh', user);
  const requests = backends.flatMap(b => b.proxy.requests);
  const unexpected = requests.filter(
    line => !ALLOWED_ARGOCD_REQUESTS.some(pattern => pattern.test(line)),
  );
  const byTemplate = standIn.stats.byRoute();
  table.add(
    `every request line the plugins sent (${requests.length}, recorded by the proxies)`,
    'only list, watch, resource-tree, get?refresh, sync of known names',
    unexpected.length ? `unexpected: ${unexpected.join(', ')}` : 'all allowed',
  );
  table.add(
    'stand-in /admin/stats: unmatched routes',
    '0',
    String(
      Object.entries(byTemplate)
        .filter(([route]) => route.includes('unmatched'))
        .reduce((n, [, count]) => n + count, 0),
    ),
  );
  assert.deepEqual(unexpected, []);
  assert.ok(!Object.keys(byTemplate).some(r => r.includes('unmatched')));
});

test('the Argo CD tokens never appear in a response body or a log line', async () => {
  for (const { backend } of backends) seen.push(...backend.logs.lines);
  const refusal = seen.some(text => /refused the configured token/.test(text));
  const leaks = seen.filter(
    text => text.includes(TOKEN) || text.includes(WRONG_TOKEN),
  );
  table.add(
    `token in ${seen.length} response bodies and log lines (incl. the misconfigured instance's refusal)`,
    'never',
    leaks.length ? `${leaks.length} leaks` : 'never',
  );
  assert.ok(seen.length > 100);
  assert.ok(refusal, 'the refused token was reported somewhere');
  assert.deepEqual(leaks, []);
});

/** Runs an action handler; the error it throws, or undefined. */
async function failure(run: Promise<unknown>): Promise<Error | undefined> {
  return run.then(
    () => undefined,
    (e: Error) => e,
  );
}

const HOSTILE_TEMPLATE_INPUT: Array<[string, Record<string, unknown>]> = [
  ['name with upper case', validCreateInput('PR-7')],
  ['name with a path escape', validCreateInput('../../etc')],
  ['name with a slash', validCreateInput('pr-7/../../x')],
  ['name of 54 characters', validCreateInput(`pr-${'x'.repeat(51)}`)],
  ['name with CRLF', validCreateInput('pr-7\r\nkind: Secret')],
  ['empty name', validCreateInput('')],
  ['app label not label-safe', validCreateInput('pr-7', { app: 'shop!' })],
  [
    'image :latest',
    validCreateInput('pr-7', {
      components: [
        {
          ...validCreateInput('pr-7').components[0],
          image: 'registry.example.com/shop/backend:latest',
        },
      ],
    }),
  ],
  [
    'image with a bare tag',
    validCreateInput('pr-7', {
      components: [
        {
          ...validCreateInput('pr-7').components[0],
          image: 'registry.example.com/shop/backend:1.2.3',
        },
      ],
    }),
  ],
  [
    'image with no tag or digest',
    validCreateInput('pr-7', {
      components: [
        {
          ...validCreateInput('pr-7').components[0],
          image: 'registry.example.com/shop/backend',
        },
      ],
    }),
  ],
  ...(
    [
      ['literal password', { password: 'hunter2' }],
      ['literal nested apiKey', { database: { apiKey: 'abc123' } }],
      ['literal token', { auth: { token: 'ghp_0123456789' } }],
      ['literal secret in a list', { env: [{ name: 'X', secret: 's3cr3t' }] }],
    ] as Array<[string, Record<string, unknown>]>
  ).map(([what, values]): [string, Record<string, unknown>] => [
    `values with a ${what}`,
    validCreateInput('pr-7', {
      components: [{ ...validCreateInput('pr-7').components[0], values }],
    }),
  ]),
  [
    'component name with a path escape',
    validCreateInput('pr-7', {
      components: [
        { ...validCreateInput('pr-7').components[0], name: '../../x' },
      ],
    }),
  ],
  [
    'targetPath outside the workspace',
    validCreateInput('pr-7', { targetPath: '../../outside' }),
  ],
  ['absolute targetPath', validCreateInput('pr-7', { targetPath: '/etc' })],
  [
    'host with CRLF',
    validCreateInput('pr-7', {
      components: [
        {
          ...validCreateInput('pr-7').components[1],
          host: 'pr-7.shop.example.com\r\nX: y',
        },
      ],
    }),
  ],
];

test('hostile template input is an InputError and writes nothing (blueberry:environment:create)', async () => {
  const repo = await GitRepository.create('quality-security-gitops-');
  const config = gitopsConfig(repo.path);
  try {
    for (const [what, input] of HOSTILE_TEMPLATE_INPUT) {
      const workspace = await fs.mkdtemp(
        path.join(os.tmpdir(), 'quality-security-ws-'),
      );
      try {
        const error = await failure(
          createAction(config).handler(mockContext(input, workspace)),
        );
        const written = await filesUnder(workspace);
        // Where a hostile targetPath points, resolved as the action would (`../../outside` from
        // the workspace is /tmp/../outside = /outside, not a sibling of the workspace).
        const target = path.resolve(
          workspace,
          String((input as { targetPath?: unknown }).targetPath ?? '.'),
        );
        const outside = target.startsWith(workspace)
          ? []
          : await filesUnder(target, 'environments');
        table.add(
          `create: ${what}`,
          'InputError, no file written',
          `${error?.name ?? 'no error'}${
            error
              ? `: "${error.message.replace(/\s+/g, ' ').slice(0, 80)}"`
              : ''
          }; ${written.length + outside.length} files written`,
        );
        assert.equal(error?.name, 'InputError', `${what}: ${error}`);
        assert.deepEqual(written, [], what);
        assert.deepEqual(outside, [], what);
      } finally {
        await fs.rm(workspace, { recursive: true, force: true });
      }
    }
  } finally {
    await repo.remove();
  }
});

test('hostile input to blueberry:gitops:propose and blueberry:environment:destroy is an InputError and changes nothing', async () => {
  const repo = await GitRepository.create('quality-security-gitops-');
  const workspace = await fs.mkdtemp(
    path.join(os.tmpdir(), 'quality-security-ws-'),
  );
  const config = gitopsConfig(repo.path);
  try {
    // A real environment in the workspace, so a refusal is about the hostile field alone.
    await createAction(config).handler(
      mockContext(validCreateInput('pr-7'), workspace),
    );
    const head = repo.head();
    // Each a thunk: started only when its turn comes, so each refusal and each "unchanged" is its own.
    const cases: Array<[string, () => Promise<unknown>]> = [
      [
        'propose: environment with a path escape',
        () =>
          proposeAction(config).handler(
            mockContext({ environment: '../..' }, workspace),
          ),
      ],
      [
        'propose: environment with a slash',
        () =>
          proposeAction(config).handler(
            mockContext({ environment: 'pr-7/../../x' }, workspace),
          ),
      ],
      [
        'propose: sourcePath outside the workspace',
        () =>
          proposeAction(config).handler(
            mockContext(
              { environment: 'pr-7', sourcePath: '../..' },
              workspace,
            ),
          ),
      ],
      [
        'destroy: name with a path escape',
        () =>
          destroyAction(config).handler(
            mockContext({ name: '../../etc', app: 'shop' }, workspace),
          ),
      ],
      [
        'propose: requestedBy with a line break (a forged trailer)',
        () =>
          proposeAction(config).handler(
            mockContext(
              { environment: 'pr-7', requestedBy: 'jane\nTask: forged' },
              workspace,
            ),
          ),
      ],
    ];
    for (const [what, run] of cases) {
      const error = await failure(run());
      const unchanged = repo.head() === head && repo.status() === '';
      table.add(
        what,
        'InputError, repository unchanged',
        `${error?.name ?? 'no error'}${
          error ? `: "${error.message.replace(/\s+/g, ' ').slice(0, 80)}"` : ''
        }; repository ${unchanged ? 'unchanged' : 'CHANGED'}`,
      );
      assert.equal(error?.name, 'InputError', `${what}: ${error}`);
      assert.ok(unchanged, what);
    }
    // The workspace's real environment is intact: the refusals removed nothing.
    assert.ok(
      (await filesUnder(workspace)).includes(
        'environments/pr-7/application.yaml',
      ),
    );
  } finally {
    await fs.rm(workspace, { recursive: true, force: true });
    await repo.remove();
  }
});

/*
 * Tenancy: an environment belongs to the team of the entity it records, and nothing a caller names,
 * registers or annotates reaches beyond it.
 */

/**
 * A policy of owners, per user: each user owns exactly the entity refs listed for it, so every
 * per-entity check is ALLOW on an owned ref and DENY on any other, and a table row can show both
 * answers. Without a resource the answer is CONDITIONAL, the real policy's shape (the catalog's
 * IS_ENTITY_OWNER). `checked` records every per-entity question.
 */
function owners(owned: Record<string, string[]>) {
  const checked: string[] = [];
  const userOf = (credentials: { principal: unknown }) =>
    (credentials.principal as { userEntityRef?: string }).userEntityRef ?? '';
  const service: PermissionsService = {
    authorize: async (requests, { credentials }) =>
      requests.map(r => {
        const ref = (r as { resourceRef?: string }).resourceRef;
        const user = userOf(credentials);
        checked.push(`${user} ${r.permission.name} ${ref}`);
        return {
          result:
            ref && (owned[user] ?? []).includes(ref)
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        };
      }) as any,
    authorizeConditional: async (requests, { credentials }) =>
      requests.map(() => ({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          resourceType: 'catalog-entity',
          params: { claims: [userOf(credentials)] },
        },
      })) as any,
  };
  return {
    checked,
    factory: createServiceFactory({
      service: coreServices.permissions,
      deps: {},
      factory: () => service,
    }),
  };
}

const MALLORY = 'user:default/mallory';
const OWNER = mockCredentials.user().principal.userEntityRef;
const as = (userEntityRef: string) =>
  mockCredentials.user.header(userEntityRef);

/** The actions a request line to Argo CD stands for: a refresh (get with refresh) or a sync. */
const isAction = (line: string) =>
  /^GET \/api\/v1\/applications\/[^/?]+\?refresh=/.test(line) ||
  /^POST \/api\/v1\/applications\/[^/?]+\/sync$/.test(line);

test("tenancy: another team's environment cannot be synced, refreshed or kept, through any entity it names", async () => {
  // Mallory owns the other team's entity and the one whose annotation selects everything; the
  // shop's environments record the shop, which only OWNER owns.
  const policy = owners({ [MALLORY]: [OTHER, WIDENER], [OWNER]: [SHOP] });
  const { backend, proxy } = await backendWith([policy.factory]);
  const from = proxy.requests.length;
  const attempts: Array<[string, string]> = [
    ['foreign sync', '/environments/local/app-01-pr-1/sync'],
    ['foreign refresh', '/environments/local/app-01-pr-1/refresh'],
    ['foreign keep', '/environments/local/app-01-pr-1/keep'],
    [
      "foreign sync through the caller's own entity",
      `/environments/local/app-01-pr-1/sync?entityRef=${encodeURIComponent(
        OTHER,
      )}`,
    ],
    [
      'annotation widening: sync through argocd/app-selector: blueberry.io/role',
      `/environments/local/app-01-pr-1/sync?entityRef=${encodeURIComponent(
        WIDENER,
      )}`,
    ],
    [
      'annotation widening: keep through argocd/app-selector: blueberry.io/role',
      `/environments/local/app-01-pr-2/keep?entityRef=${encodeURIComponent(
        WIDENER,
      )}`,
    ],
  ];
  for (const [what, route] of attempts) {
    const caseFrom = proxy.requests.length;
    const res = await send(backend, 'POST', route, as(MALLORY));
    const actions = sentSince(proxy, caseFrom).filter(isAction);
    table.add(
      what,
      '404 (as for a missing environment), no Argo CD action',
      `${res.status}; Argo CD actions: ${actions.length ? actions : 'none'}`,
    );
    assert.equal(res.status, 404, what);
    assert.deepEqual(actions, [], what);
  }
  // Reads: the widening entity's list shows none of the environments the shop records.
  const widened = await send(
    backend,
    'GET',
    `/environments?entityRef=${encodeURIComponent(WIDENER)}`,
    as(MALLORY),
  );
  const widenedNames = JSON.parse(widened.body).items.map(
    (e: { name: string }) => e.name,
  );
  table.add(
    'annotation widening: GET /environments of the argocd/app-selector: blueberry.io/role entity',
    "200 without the environments that record another entity (the shop's)",
    `${widened.status}; items ${JSON.stringify(widenedNames)}`,
  );
  assert.equal(widened.status, 200);
  assert.ok(!ENVIRONMENTS.some(name => widenedNames.includes(name)));

  // Every check was made on the entity the environments record, never on one Mallory named.
  const mallorysChecks = policy.checked.filter(
    c => c.startsWith(MALLORY) && c.includes('.sync '),
  );
  table.add(
    "the entity Mallory's changes were checked on",
    `${SHOP} (recorded), denied`,
    [...new Set(mallorysChecks.map(c => c.split(' ').pop()))].join(', '),
  );
  // (Decisions are reused for a few seconds per user, permission and entity: one check or more.)
  assert.ok(mallorysChecks.length >= 1);
  assert.ok(mallorysChecks.every(c => c.endsWith(` ${SHOP}`)));

  // The control: the owner of the recorded entity gets past the same checks.
  const ownerFrom = proxy.requests.length;
  const own = await send(
    backend,
    'POST',
    '/environments/local/app-01-pr-1/refresh',
    as(OWNER),
  );
  const ownActions = sentSince(proxy, ownerFrom).filter(isAction);
  table.add(
    'the owner of the recorded entity refreshes it (control)',
    '202, one Argo CD refresh',
    `${own.status}; ${ownActions.join(', ')}`,
  );
  assert.equal(own.status, 202);
  assert.equal(ownActions.length, 1);
  assert.equal(proxy.requests.slice(from).filter(isAction).length, 1);
});

test('tenancy: a missing environment and a forbidden one get the same answer (no 404/403 oracle)', async () => {
  const policy = owners({ [MALLORY]: [OTHER], [OWNER]: [SHOP] });
  const { backend } = await backendWith([policy.factory]);
  const { backend: denied } = await backendWith([
    denying('blueberry.environment.sync'),
  ]);
  const rows: Array<[string, BlueberryBackend, string]> = [
    ['per-entity policy', backend, as(MALLORY)],
    ['sync denied outright', denied, mockCredentials.user.header()],
  ];
  for (const [what, b, caller] of rows) {
    const missing = await send(
      b,
      'POST',
      '/environments/local/pr-404/sync',
      caller,
    );
    const forbidden = await send(
      b,
      'POST',
      '/environments/local/app-01-pr-1/sync',
      caller,
    );
    const message = (res: RawResponse, name: string) =>
      String(JSON.parse(res.body).error?.message).replace(name, '<name>');
    const same =
      missing.status === forbidden.status &&
      message(missing, 'pr-404') === message(forbidden, 'app-01-pr-1');
    table.add(
      `oracle, ${what}: sync of a missing vs an existing foreign environment`,
      'the same status and message',
      `${missing.status} / ${forbidden.status}; messages ${
        same ? 'the same' : 'DIFFER'
      }`,
    );
    assert.ok(same, what);
  }
});

test('tenancy: signals go to the users allowed to read, never on a broadcast anyone can subscribe to', async () => {
  const signals = new SignalRecorder();
  const policy = owners({ [OWNER]: [SHOP], [MALLORY]: [OTHER] });
  const { backend } = await backendWith([policy.factory], {
    signals: signals.factory(),
  });
  const list = `/environments?entityRef=${encodeURIComponent(SHOP)}`;
  const owner = await send(backend, 'GET', list, as(OWNER));
  // Mallory subscribes to the shop's channel and asks for its environments: refused, so she is
  // never a recipient.
  const eavesdropper = await send(backend, 'GET', list, as(MALLORY));
  assert.equal(owner.status, 200);
  assert.equal(eavesdropper.status, 403);

  const from = signals.published.length;
  const env = typicalEnvironment('app-01-pr-3', 'app-01', 3);
  for (const [file, content] of Object.entries(environmentFiles(env))) {
    const target = path.join(gitopsRepo.path, file);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, content);
  }
  gitopsRepo.git('add', '-A');
  gitopsRepo.git('commit', '-q', '-m', 'app-01-pr-3');
  try {
    await eventually(
      () => signals.published.length > from,
      20_000,
      'a signal for the new environment',
    );
    const sent = signals.published.slice(from);
    const recipients = sent.map(s => JSON.stringify(s.recipients));
    table.add(
      'signal eavesdropping: recipients of the shop channel after a change',
      `only ${OWNER} (read allowed); never broadcast, never ${MALLORY}`,
      [...new Set(recipients)].join(', '),
    );
    for (const signal of sent) {
      assert.deepEqual(signal.recipients, { type: 'user', entityRef: [OWNER] });
    }
  } finally {
    // Leave the repository as the other tests expect it.
    gitopsRepo.git('rm', '-r', '-q', 'environments/app-01-pr-3');
    gitopsRepo.git('commit', '-q', '-m', 'remove app-01-pr-3');
  }
});

test('a hostile label selector is refused in linear time (ReDoS)', async () => {
  const { backend } = backends[0];
  // The event loop's lag while the request is served: the old regex held it for seconds.
  let worstLagMs = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    worstLagMs = Math.max(worstLagMs, now - last - 5);
    last = now;
  }, 5);
  const started = performance.now();
  const res = await send(
    backend,
    'GET',
    `/environments?entityRef=${encodeURIComponent(REDOS)}`,
    mockCredentials.user.header(),
  );
  const tookMs = performance.now() - started;
  clearInterval(timer);
  table.add(
    `argocd/app-selector: "a=" + 64,000 spaces + "!" (GET /environments)`,
    '400 within 500 ms, event loop never held 200 ms',
    `${res.status} in ${tookMs.toFixed(0)} ms, worst lag ${worstLagMs.toFixed(
      0,
    )} ms`,
  );
  assert.equal(res.status, 400);
  assert.ok(tookMs < 500, `took ${tookMs} ms`);
  assert.ok(worstLagMs < 200, `event loop held ${worstLagMs} ms`);
});

test('unsafe URL schemes never reach the browser', async () => {
  const { backend } = backends[0];
  const user = mockCredentials.user.header();
  const list = JSON.parse(
    (
      await send(
        backend,
        'GET',
        `/environments?entityRef=${encodeURIComponent(SHOP)}`,
        user,
      )
    ).body,
  );
  const one = JSON.parse(
    (await send(backend, 'GET', '/environments/local/app-01-pr-1', user)).body,
  );
  const links: string[] = [list.items, [one]]
    .flat()
    .flatMap((e: any) => [...e.urls, e.mergeRequestUrl, e.argocdUrl])
    .filter((u: unknown): u is string => typeof u === 'string');
  const unsafe = links.filter((u: string) => !/^https?:\/\//.test(u));
  table.add(
    'merge request annotations javascript: and data: (list and single routes)',
    'mergeRequestUrl null; every link http(s)',
    `mergeRequestUrl ${JSON.stringify(
      list.items.map((e: any) => e.mergeRequestUrl),
    )}; ${links.length} links, ${unsafe.length} unsafe`,
  );
  assert.ok(list.items.length >= ENVIRONMENTS.length);
  assert.ok(list.items.every((e: any) => e.mergeRequestUrl === null));
  assert.equal(one.mergeRequestUrl, null);
  assert.deepEqual(unsafe, []);
});

test('refresh and sync are rate-limited per environment', async () => {
  // A backend of its own: no earlier refresh of the environment counts against the interval.
  const { backend, proxy } = await backendWith([], {
    config: { actionIntervalSeconds: 60 },
  });
  const from = proxy.requests.length;
  const statuses: number[] = [];
  for (let i = 0; i < 20; i++) {
    statuses.push(
      (
        await send(
          backend,
          'POST',
          '/environments/local/app-01-pr-2/refresh',
          mockCredentials.user.header(),
        )
      ).status,
    );
  }
  const refreshes = sentSince(proxy, from).filter(isAction);
  const counts = statuses.reduce<Record<number, number>>(
    (n, s) => ({ ...n, [s]: (n[s] ?? 0) + 1 }),
    {},
  );
  table.add(
    '20 refreshes of one environment at once',
    'one reaches Argo CD, the other 19 answer 429',
    `${JSON.stringify(counts)}; ${refreshes.length} Argo CD refresh`,
  );
  assert.equal(refreshes.length, 1);
  assert.equal(counts[202], 1);
  assert.equal(counts[429], 19);
});

test('the GitLab client does not follow a redirect with its token', async () => {
  const received: Array<{ host: string; token?: string }> = [];
  const listen = (handler: http.RequestListener) =>
    new Promise<http.Server>(resolve => {
      const server = http.createServer(handler);
      server.listen(0, '127.0.0.1', () => resolve(server));
    });
  const urlOf = (server: http.Server) =>
    `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const thief = await listen((req, res) => {
    received.push({
      host: 'thief',
      token: req.headers['private-token'] as string,
    });
    res.end('{}');
  });
  const gitlab = await listen((req, res) => {
    received.push({
      host: 'gitlab',
      token: req.headers['private-token'] as string,
    });
    res.writeHead(301, { Location: `${urlOf(thief)}/api/v4/steal` });
    res.end();
  });
  const GITLAB_TOKEN = 'glpat-quality-suite-redirect-5e7a';
  try {
    const repository = new GitlabGitopsRepository({
      apiBaseUrl: `${urlOf(gitlab)}/api/v4`,
      token: GITLAB_TOKEN,
      project: 'platform/gitops',
      branch: 'main',
    });
    const error = await failure(repository.readFiles('app-01-pr-1'));
    const stolen = received.filter(r => r.host === 'thief');
    table.add(
      'GitLab API answers 301 to another host',
      'refused, the other host receives nothing',
      `${error ? 'refused' : 'FOLLOWED'}; other host got ${
        stolen.length
      } requests`,
    );
    assert.ok(error && /redirect/.test(error.message));
    assert.deepEqual(stolen, []);
    assert.equal(error.message.includes(GITLAB_TOKEN), false);
  } finally {
    await new Promise(resolve => gitlab.close(resolve));
    await new Promise(resolve => thief.close(resolve));
  }
});

test('tenancy in the scaffolder actions: a foreign destroy and a foreign update are refused and change nothing; no template parameter chooses where to publish', async () => {
  const repo = await GitRepository.create('quality-security-tenancy-');
  const workspace = await fs.mkdtemp(
    path.join(os.tmpdir(), 'quality-security-ws-'),
  );
  const config = gitopsConfig(repo.path);
  try {
    // pr-7 of the shop, committed by its owner: it records the shop as its source.
    await createAction(config).handler(
      mockContext(validCreateInput('pr-7'), workspace),
    );
    await proposeAction(config).handler(
      mockContext({ environment: 'pr-7' }, workspace),
    );
    const head = repo.head();
    const mallory = [OTHER];
    const takeover = await fs.mkdtemp(
      path.join(os.tmpdir(), 'quality-security-ws-'),
    );
    const cases: Array<
      [string, () => Promise<unknown>, () => Promise<number>]
    > = [
      [
        'foreign destroy (blueberry:environment:destroy, template names its own app)',
        () =>
          destroyAction(config, mallory).handler(
            mockContext({ name: 'pr-7', app: 'shop' }, workspace),
          ),
        async () =>
          (await filesUnder(workspace)).includes(
            'environments/pr-7/application.yaml',
          )
            ? 0
            : 1,
      ],
      [
        'foreign destroy (blueberry:gitops:propose remove)',
        () =>
          proposeAction(config, mallory).handler(
            mockContext({ environment: 'pr-7', remove: true }, workspace),
          ),
        async () => 0,
      ],
      [
        "foreign update (create with update: true, sourceEntity the caller's own)",
        () =>
          createAction(config, mallory).handler(
            mockContext(
              validCreateInput('pr-7', { update: true, sourceEntity: OTHER }),
              takeover,
            ),
          ),
        async () => (await filesUnder(takeover)).length,
      ],
      [
        'foreign update (blueberry:gitops:propose update)',
        () =>
          proposeAction(config, mallory).handler(
            mockContext({ environment: 'pr-7', update: true }, workspace),
          ),
        async () => 0,
      ],
    ];
    for (const [what, run, writtenInWorkspace] of cases) {
      const error = await failure(run());
      const unchanged = repo.head() === head && repo.status() === '';
      const written = await writtenInWorkspace();
      table.add(
        what,
        'NotAllowedError, repository unchanged',
        `${error?.name ?? 'no error'}${
          error ? `: "${error.message.replace(/\s+/g, ' ').slice(0, 80)}"` : ''
        }; repository ${unchanged ? 'unchanged' : 'CHANGED'}${
          written ? `; ${written} files written` : ''
        }`,
      );
      assert.equal(error?.name, 'NotAllowedError', `${what}: ${error}`);
      assert.ok(unchanged, what);
      assert.equal(written, 0, what);
    }
    // The control: the owner may update it.
    await proposeAction(config).handler(
      mockContext({ environment: 'pr-7', update: true }, workspace),
    );
    await fs.rm(takeover, { recursive: true, force: true });

    // Where a change goes is blueberry.gitops's choice alone: each template has one publish step,
    // unconditional, and no parameter (hidden or not) that names a target.
    for (const template of ['create-environment', 'destroy-environment']) {
      const text = await fs.readFile(
        resolvePackagePath(
          '@blueberry-idp/quality-suites',
          '../../templates',
          template,
          'template.yaml',
        ),
        'utf8',
      );
      const publishSteps =
        text.match(/action: (blueberry:gitops:\S+|publish:\S+)/g) ?? [];
      const targets =
        text.match(/^\s+(publishTo|gitopsRepoUrl|gitopsWebUrl|repoUrl):/gm) ??
        [];
      table.add(
        `${template}: who chooses where to publish`,
        'one blueberry:gitops:propose step, no parameter naming a target',
        `${publishSteps.join(', ')}; ${targets.length} target parameters`,
      );
      assert.deepEqual(publishSteps, ['action: blueberry:gitops:propose']);
      assert.deepEqual(targets, []);
    }
  } finally {
    await fs.rm(workspace, { recursive: true, force: true });
    await repo.remove();
  }
});

/** An Application of a stand-in reconciling `repo`, once `done` holds for it. */
async function reconciledApplication(
  argocd: ArgoCdStandIn,
  name: string,
  done: (application: any) => boolean,
): Promise<any> {
  let application: any;
  await eventually(
    async () => {
      const response = await fetch(
        `${argocd.url}/api/v1/applications/${encodeURIComponent(name)}`,
        { headers: { Authorization: `Bearer ${TOKEN}` } },
      );
      application = response.status === 200 ? await response.json() : undefined;
      return Boolean(application && done(application));
    },
    30_000,
    `the stand-in's ${name} Application`,
  );
  return application;
}

/**
 * Every namespace a set of rendered files deploys to: the Application's destination (the
 * Application itself lives in Argo CD's namespace), every other `namespace:`, and the Namespace
 * objects' own names.
 */
async function namespacesIn(root: string, files: string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const file of files) {
    const text = await fs.readFile(path.join(root, file), 'utf8');
    if (file.endsWith('/application.yaml')) {
      const destination =
        /^ {2}destination:\n(?: {4}.*\n)*? {4}namespace: (\S+)$/m.exec(text);
      found.add(destination?.[1] ?? '(none)');
      continue;
    }
    for (const match of text.matchAll(/^\s*namespace: (\S+)$/gm))
      found.add(match[1]);
    if (/^kind: Namespace$/m.test(text))
      for (const match of text.matchAll(/^ {2}name: (\S+)$/gm))
        found.add(match[1]);
  }
  return [...found].sort();
}

test('namespace takeover: an environment named after a system namespace lands in blueberry-<name>, and an Application aiming at a foreign namespace is refused by the project', async () => {
  const repo = await GitRepository.create('quality-security-takeover-');
  const workspace = await fs.mkdtemp(
    path.join(os.tmpdir(), 'quality-security-ws-'),
  );
  const refusedWorkspace = await fs.mkdtemp(
    path.join(os.tmpdir(), 'quality-security-ws-'),
  );
  const config = gitopsConfig(repo.path);
  let argocd: ArgoCdStandIn | undefined;
  try {
    // The bootstrap Argo CD starts from (the environments' AppProject), as scripts/start.sh makes it.
    await initGitopsRepository({
      path: repo.path,
      branch: 'main',
      render: config.render,
    });
    // `monitoring` is a valid name: its objects go to blueberry-monitoring, never to monitoring.
    await createAction(config).handler(
      mockContext(validCreateInput('monitoring'), workspace),
    );
    const rendered = await filesUnder(workspace, 'environments/monitoring');
    const namespaces = await namespacesIn(workspace, rendered);
    table.add(
      'namespace takeover: environment "monitoring"',
      'every object in blueberry-monitoring, none in monitoring',
      `namespaces in the rendered files: ${namespaces.join(', ')}`,
    );
    assert.deepEqual(namespaces, ['blueberry-monitoring']);

    // `kube-system` is refused outright by the name rules (and would land in blueberry-kube-system).
    const error = await failure(
      createAction(config).handler(
        mockContext(validCreateInput('kube-system'), refusedWorkspace),
      ),
    );
    const written = await filesUnder(refusedWorkspace);
    table.add(
      'namespace takeover: environment "kube-system"',
      'InputError, no file written',
      `${error?.name ?? 'no error'}: "${error?.message.slice(0, 80)}"; ${
        written.length
      } files written`,
    );
    assert.equal(error?.name, 'InputError');
    assert.deepEqual(written, []);

    // A hand edit slipped into the GitOps repository points the Application at `monitoring`.
    await proposeAction(config).handler(
      mockContext({ environment: 'monitoring' }, workspace),
    );
    const applicationFile = path.join(
      repo.path,
      'environments/monitoring/application.yaml',
    );
    const original = await fs.readFile(applicationFile, 'utf8');
    await fs.writeFile(
      applicationFile,
      original.replace(
        'namespace: blueberry-monitoring',
        'namespace: monitoring',
      ),
    );
    repo.git('commit', '-q', '-a', '-m', 'point monitoring at monitoring');
    argocd = await startArgoCdStandIn({
      repoPath: repo.path,
      token: TOKEN,
      waveDelayMs: 50,
      pollIntervalMs: 50,
      onError: () => {},
    });
    const application = await reconciledApplication(argocd, 'monitoring', a =>
      Boolean(a.status?.conditions),
    );
    const conditions = application.status.conditions.map(
      (c: any) => `${c.type}: ${c.message}`,
    );
    table.add(
      'namespace takeover: Application aimed at namespace monitoring',
      'InvalidSpecError from the AppProject, nothing synced',
      `${conditions.join('; ').slice(0, 150)}; sync ${
        application.status.sync.status
      }, ${application.status.resources.length} resources, ${
        application.status.operationState ? 'an operation ran' : 'no operation'
      }`,
    );
    assert.deepEqual(conditions, [
      "InvalidSpecError: application destination server 'https://kubernetes.default.svc' and namespace 'monitoring' do not match any of the allowed destinations in project 'blueberry-environments'",
    ]);
    assert.equal(application.status.sync.status, 'Unknown');
    assert.deepEqual(application.status.resources, []);
    assert.equal(application.status.operationState, undefined);
  } finally {
    await argocd?.stop();
    await fs.rm(workspace, { recursive: true, force: true });
    await fs.rm(refusedWorkspace, { recursive: true, force: true });
    await repo.remove();
  }
});

test('cluster-scoped chart object: a chart binding cluster-admin is refused at sync with the Argo CD message, and nothing of it is applied', async () => {
  const repo = await GitRepository.create('quality-security-cluster-');
  const workspace = await fs.mkdtemp(
    path.join(os.tmpdir(), 'quality-security-ws-'),
  );
  const chartDir = await fs.mkdtemp(
    path.join(os.tmpdir(), 'quality-security-chart-'),
  );
  const charts = await startChartRepository({
    chartDirs: [writeClusterAdminChart(chartDir)],
  });
  const config = gitopsConfig(repo.path);
  let argocd: ArgoCdStandIn | undefined;
  try {
    // The bootstrap Argo CD starts from (the environments' AppProject), as scripts/start.sh makes it.
    await initGitopsRepository({
      path: repo.path,
      branch: 'main',
      render: config.render,
    });
    await createAction(config).handler(
      mockContext(
        validCreateInput('pr-8', {
          pullRequest: 8,
          components: [
            {
              name: 'cache',
              role: 'database',
              chart: {
                repoURL: charts.url,
                chart: 'takeover',
                targetRevision: '0.1.0',
              },
            },
          ],
        }),
        workspace,
      ),
    );
    await proposeAction(config).handler(
      mockContext({ environment: 'pr-8' }, workspace),
    );
    argocd = await startArgoCdStandIn({
      repoPath: repo.path,
      token: TOKEN,
      waveDelayMs: 50,
      pollIntervalMs: 50,
      onError: () => {},
    });
    const application = await reconciledApplication(
      argocd,
      'pr-8',
      a => a.status?.operationState?.phase === 'Failed',
    );
    const { operationState, resources } = application.status;
    const applied = resources.filter((r: any) => r.status !== 'OutOfSync');
    table.add(
      'cluster-scoped chart object: ClusterRoleBinding to cluster-admin',
      'sync Failed with "resource ...:ClusterRoleBinding is not permitted in project", nothing applied',
      `${operationState.phase} after ${
        operationState.retryCount
      } retries: "${operationState.message.slice(0, 140)}"; ${
        applied.length
      } of ${resources.length} objects applied`,
    );
    assert.equal(
      operationState.message,
      'one or more synchronization tasks are not valid: resource rbac.authorization.k8s.io:ClusterRoleBinding is not permitted in project blueberry-environments',
    );
    assert.deepEqual(
      operationState.syncResult.resources.map(
        (r: any) => `${r.kind}/${r.name} ${r.status}`,
      ),
      ['ClusterRoleBinding/cache-cluster-admin SyncFailed'],
    );
    assert.deepEqual(applied, []);
    assert.ok(
      resources.some((r: any) => r.kind === 'ClusterRoleBinding'),
      'the ClusterRoleBinding came from the rendered chart',
    );
    assert.equal(application.status.history, undefined);
  } finally {
    await argocd?.stop();
    await charts.stop();
    await fs.rm(workspace, { recursive: true, force: true });
    await fs.rm(chartDir, { recursive: true, force: true });
    await repo.remove();
  }
});
