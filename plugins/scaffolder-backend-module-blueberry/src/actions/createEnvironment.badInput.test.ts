import { InputError } from '@backstage/errors';
import { promises as fs } from 'node:fs';
import {
  digest,
  filesUnder,
  fixedClock,
  testRenderOptions,
  makeTempDir,
  mockContext,
  shopCreateInput,
  ownershipOver,
} from '../__testUtils__/fixtures';
import { createBlueberryEnvironmentCreateAction } from './createEnvironment';

// Real git, real files and many cases on a shared 2-core machine: allow more than the default 5 s.
jest.setTimeout(60_000);

/** mulberry32: the same "random" cases on every run, so a failure can be replayed. */
function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (max: number) => Math.floor(next() * max),
    pick: <T>(items: readonly T[]): T =>
      items[Math.floor(next() * items.length)],
  };
}

type Input = Record<string, any>;
type Mutation = { title: string; apply: (input: Input) => void };

const set = (field: string, values: unknown[]): Mutation[] =>
  values.map(value => ({
    title: `${field} = ${JSON.stringify(value)?.slice(0, 40)}`,
    apply: input => {
      input[field] = value;
    },
  }));

// Component mutations apply to one component chosen by the generator (index stored on the input).
const setComponent = (
  field: string,
  values: unknown[],
  role?: string,
): Mutation[] =>
  values.map(value => ({
    title: `component.${field} = ${JSON.stringify(value)?.slice(0, 40)}${
      role ? ` (${role})` : ''
    }`,
    apply: input => {
      const components = input.components as Input[];
      const target = role
        ? components.find(c => c.role === role)
        : components[input.__pick % components.length];
      target![field] = value;
    },
  }));

const deep = (levels: number): unknown =>
  levels === 0 ? 'x' : { n: deep(levels - 1) };

const MUTATIONS: Mutation[] = [
  ...set('name', [
    '',
    'A',
    'PR-1',
    '-x',
    'x-',
    'a'.repeat(54),
    'a_b',
    'a.b',
    'pr 1',
    'ünï',
    '../x',
    'x/../../y',
    'kube-system',
    'default',
    'argocd',
    123,
    null,
    {},
  ]),
  ...set('app', ['', 'a'.repeat(64), 'a/b', ' shop', 'shop!', 42, null]),
  ...set('owner', [
    '',
    'group:default/',
    'group:/x',
    ':x',
    'a'.repeat(300),
    'group:default/team shop',
    7,
  ]),
  ...set('type', ['preview', '', 'PULL-REQUEST', 3]),
  ...set('pullRequest', [0, -1, 1.5, '12', Number.NaN, 2 ** 40, null]),
  ...set('mergeRequestUrl', [
    ['javascript', 'alert(1)'].join(':'),
    'ftp://x.example.com/1',
    'not a url',
    'https://u:p@x.example.com',
    5,
  ]),
  ...set('ttl', ['0h', '7', '7days', '-1d', '1.5h', '9999d', 'P7D', '7D', 12]),
  ...set('update', ['yes', 1]),
  ...set('bootstrap', ['true']),
  ...set('targetPath', ['../x', '/etc', '..', '../../..', 5]),
  ...set('sourceEntity', ['component:', 'a b', 9]),
  ...set('components', [
    [],
    'x',
    null,
    [null],
    [1],
    Array.from({ length: 21 }, () => null),
  ]),
  {
    title: 'unknown top-level field',
    apply: i => {
      i.namespace = 'other';
    },
  },
  {
    title: 'long-lived with a ttl',
    apply: i => {
      i.type = 'long-lived';
      i.ttl = '7d';
    },
  },
  {
    title: 'pull-request without a number',
    apply: i => {
      i.type = 'pull-request';
      delete i.pullRequest;
    },
  },
  {
    title: 'duplicate component names',
    apply: i => {
      i.components.push({ ...i.components[0] });
    },
  },
  {
    title: 'duplicate hosts',
    apply: i => {
      i.components.push({ ...i.components[2], name: 'other-web' });
    },
  },
  {
    title: 'component named application',
    apply: i => {
      i.components[0].name = 'application';
    },
  },
  {
    title: 'unknown component field',
    apply: i => {
      i.components[0].replicas = 3;
    },
  },
  {
    title: 'chart with both chart and path',
    apply: i => {
      i.components[0].chart = { ...i.components[0].chart, path: 'charts/x' };
    },
  },
  {
    title: 'chart with neither chart nor path',
    apply: i => {
      i.components[0].chart = {
        repoURL: 'https://c.example.com',
        targetRevision: '1.0.0',
      };
    },
  },
  ...setComponent('name', ['', 'Backend', 'a'.repeat(54), 'x_y', 5]),
  ...setComponent('role', ['cache', '', 'Backend', null]),
  ...setComponent(
    'image',
    [
      'registry.example.com/shop/backend:1.2.3',
      'shop/backend',
      'shop/backend:latest',
      `shop/backend:latest@${digest('a')}`,
      'shop/backend@sha256:abc',
      `shop/backend@${digest('A')}`,
      `Shop/Backend@${digest('a')}`,
      7,
    ],
    'backend',
  ),
  ...setComponent('image', [undefined], 'backend'),
  ...setComponent('image', [undefined, 'storefront:v1'], 'frontend'),
  ...setComponent(
    'host',
    [
      undefined,
      'UPPER.example.com',
      'a..b.example.com',
      '*.example.com',
      'localhost',
      'http://x.example.com',
      'x.example.com:8080',
      `${'a'.repeat(64)}.example.com`,
    ],
    'frontend',
  ),
  ...setComponent('host', ['redis.example.com'], 'database'),
  ...setComponent('chart', [
    null,
    'https://c.example.com',
    { repoURL: 'https://c.example.com', chart: 'x' },
  ]),
  ...[
    'http://charts.example.com',
    'git@github.com:x/y.git',
    '',
    'ftp://c.example.com',
    'https://',
    'file://remote.example.com/x',
  ].map(repoURL => ({
    title: `repoURL ${repoURL}`,
    apply: (i: Input) => {
      i.components[0].chart.repoURL = repoURL;
    },
  })),
  ...['*', '^1.4.0', '~1.4', '>=1.0.0', '1.x', '1', '', 'HEAD', '1.0 .0'].map(
    rev => ({
      title: `chart targetRevision ${rev}`,
      apply: (i: Input) => {
        i.components[0].chart.targetRevision = rev;
      },
    }),
  ),
  ...['../x', '/abs/path', 'a/../../b', 'a//b', ''].map(p => ({
    title: `chart path ${p}`,
    apply: (i: Input) => {
      i.components[2].chart.path = p;
    },
  })),
  ...setComponent('values', [
    'string',
    [1, 2],
    { password: 'hunter2' },
    { auth: { token: 'abc' } },
    { apiKey: 'k' },
    { API_KEY: 'k' },
    { secret: 's' },
    { db: { connectionString: 'postgres://u:p@h/db' } },
    { clientSecret: 1234 },
    { extraObjects: [{ kind: 'Secret', data: { a: 'YQ==' } }] },
    { env: [{ name: 'K', value: '-----BEGIN RSA PRIVATE KEY-----\nabc' }] },
    { note: 'glpat-abcdefghijklmnopqrstuvwx' },
    { aws: 'AKIAABCDEFGHIJKLMNOP' },
    { blueberry: { wave: 9 } },
    JSON.parse('{"__proto__": {"x": 1}}'),
    { constructor: { prototype: {} } },
    deep(40),
  ]),
];

describe('blueberry:environment:create refuses bad input', () => {
  let workspace: string;
  const action = createBlueberryEnvironmentCreateAction({
    ownership: ownershipOver(undefined).ownership,
    render: testRenderOptions('/unused'),
    clock: fixedClock,
  });

  beforeAll(async () => {
    workspace = await makeTempDir('bad-input');
  });
  afterAll(async () => {
    await fs.rm(workspace, { recursive: true, force: true });
  });

  async function expectRefused(input: unknown, title: string) {
    let error: unknown;
    try {
      await action.handler(mockContext(input, workspace));
    } catch (e) {
      error = e;
    }
    // The title makes a failure say which generated case it was.
    expect({
      title,
      error: error instanceof InputError ? 'InputError' : String(error),
    }).toEqual({
      title,
      error: 'InputError',
    });
    expect({ title, files: await filesUnder(workspace) }).toEqual({
      title,
      files: [],
    });
  }

  it('refuses each single bad value', async () => {
    for (const mutation of MUTATIONS) {
      const input: Input = { ...structuredClone(shopCreateInput()), __pick: 0 };
      mutation.apply(input);
      delete input.__pick;
      await expectRefused(input, mutation.title);
    }
    expect(MUTATIONS.length).toBeGreaterThan(150);
  });

  it('refuses 600 generated combinations of bad values, writing nothing', async () => {
    const random = seededRandom(20301);
    for (let n = 0; n < 600; n++) {
      const input: Input = {
        ...structuredClone(shopCreateInput()),
        __pick: random.int(3),
      };
      const chosen = [
        random.pick(MUTATIONS),
        random.pick(MUTATIONS),
        random.pick(MUTATIONS),
      ].slice(0, 1 + random.int(3));
      const titles: string[] = [];
      for (const mutation of chosen) {
        // A mutation that no longer applies (its component was replaced) leaves the input bad anyway.
        try {
          mutation.apply(input);
          titles.push(mutation.title);
        } catch {
          titles.push(`(skipped) ${mutation.title}`);
        }
      }
      delete input.__pick;
      await expectRefused(input, `#${n}: ${titles.join(' + ')}`);
    }
  });

  it('refuses a chart repository outside blueberry.gitops.sourceRepos, naming it, dry run too', async () => {
    for (const isDryRun of [false, true]) {
      const input = shopCreateInput();
      input.components[0] = {
        ...input.components[0],
        chart: {
          repoURL: 'https://charts.evil.example.com/stable',
          chart: 'shop-service',
          targetRevision: '1.4.2',
        },
      };
      await expect(
        action.handler(mockContext(input, workspace, { isDryRun })),
      ).rejects.toThrow(
        new InputError(
          "Invalid environment spec: components[0].chart.repoURL 'https://charts.evil.example.com/stable' is not an allowed chart source (blueberry.gitops.sourceRepos: https://charts.example.com/*, oci://registry.example.com/shop/charts/*, registry.example.com/shop/charts, registry-1.docker.io/bitnamicharts, http://127.0.0.1:*)",
        ),
      );
      expect(await filesUnder(workspace)).toEqual([]);
    }
  });

  it('refuses inputs that are not objects at all', async () => {
    for (const input of [
      null,
      undefined,
      0,
      'pr-1',
      [],
      [shopCreateInput()],
      true,
    ]) {
      await expectRefused(input, JSON.stringify(input) ?? 'undefined');
    }
  });
});
