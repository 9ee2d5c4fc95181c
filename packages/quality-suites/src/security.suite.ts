/*
 * Security suite: the published backend plugin in a real test backend, with the Argo CD stand-in
 * behind a proxy that records every request line the plugin sends; and the scaffolder actions on
 * real workspaces and a real git repository. Credentials, permissions, hostile path and query values,
 * the token in bodies and logs, hostile template input. Prints a table at the end.
 *
 * Run: yarn test:security (from the repository root).
 */
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
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ArgoCdStandIn,
  environmentFiles,
  startArgoCdStandIn,
  typicalEnvironment,
} from '@blueberry-idp/argocd-standin';
import {
  BlueberryBackend,
  entity,
  eventually,
  startBlueberry,
  TOKEN,
} from './lib/backend';
import { startRecordingProxy } from './lib/proxies';
import {
  commitAction,
  createAction,
  destroyAction,
  filesUnder,
  GitRepository,
  gitopsConfig,
  mockContext,
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

const ENTITIES = [
  entity('shop', { 'blueberry.io/app': 'app-01' }),
  entity('other', { 'blueberry.io/app': 'app-02' }),
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

async function backendWith(extra: ReturnType<typeof denying>[] = []) {
  const proxy = await startRecordingProxy(standIn.port);
  const backend = await startBlueberry({
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
              `metadata:\n  annotations:\n    blueberry.io/source-entity: ${SHOP}\n`,
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
const isWatch = (line: string) =>
  /^GET \/api\/v1\/(stream\/)?applications\?/.test(line);

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
      for (const [method, route] of routesFor(value)) {
        const res = await send(backend, method, route, user);
        statuses.push(res.status);
        assert.equal(res.headers['x-injected'], undefined, 'header injection');
      }
      const refused = statuses.every(s => s === 400 || s === 404);
      table.add(
        `${slot} = ${what}`,
        '400/404 on every route, no Argo CD request',
        statuses.join(' / '),
      );
      assert.ok(refused, `${slot} = ${what}: ${statuses.join(', ')}`);
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

  const sent = proxy.requests.slice(from).filter(line => !isWatch(line));
  table.add(
    'Argo CD requests caused by the hostile values (proxy request log)',
    'none beyond the watch',
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
        const outside = await filesUnder(path.dirname(workspace), 'outside');
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

test('hostile input to blueberry:gitops:commit and blueberry:environment:destroy is an InputError and changes nothing', async () => {
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
    const cases: Array<[string, Promise<unknown>]> = [
      [
        'commit: environment with a path escape',
        commitAction(config).handler(
          mockContext({ environment: '../..' }, workspace),
        ),
      ],
      [
        'commit: environment with a slash',
        commitAction(config).handler(
          mockContext({ environment: 'pr-7/../../x' }, workspace),
        ),
      ],
      [
        'commit: sourcePath outside the workspace',
        commitAction(config).handler(
          mockContext({ environment: 'pr-7', sourcePath: '../..' }, workspace),
        ),
      ],
      [
        'destroy: name with a path escape',
        destroyAction(config).handler(
          mockContext({ name: '../../etc', app: 'shop' }, workspace),
        ),
      ],
      [
        'destroy: targetPath outside the workspace',
        destroyAction(config).handler(
          mockContext(
            { name: 'pr-7', app: 'shop', targetPath: '../..' },
            workspace,
          ),
        ),
      ],
    ];
    for (const [what, run] of cases) {
      const error = await failure(run);
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
