import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { EnvironmentSpec } from '@blueberry-idp/plugin-blueberry-common';
import {
  exampleRenderOptions,
  shopPullRequestSpec,
} from '../__fixtures__/shopEnvironment';
import { sharedDir } from '../__fixtures__/sharedDir';
import { seededRandom } from '../__fixtures__/random';
import { renderBootstrapFiles } from './bootstrap';
import { renderEnvironment } from './renderEnvironment';
import { RenderOptions } from './types';

// Real git, real files and many cases on a shared 2-core machine: allow more than the default 5 s.
jest.setTimeout(60_000);

type Schema = Record<string, any>;

/**
 * Kubernetes silently prunes fields a CRD does not know, so a misspelt field would pass a plain
 * schema check and vanish in the cluster. Closing every object that lists its properties (and does
 * not preserve unknown fields) turns such a typo into a failure here.
 */
function closeObjects(schema: Schema): Schema {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (schema === null || typeof schema !== 'object') return schema;
  const result: Schema = {};
  for (const [key, value] of Object.entries(schema))
    result[key] = closeObjects(value);
  if (
    result.type === 'object' &&
    result.properties &&
    result.additionalProperties === undefined &&
    !result['x-kubernetes-preserve-unknown-fields']
  ) {
    result.additionalProperties = false;
  }
  return result;
}

function crdValidator(file: string) {
  const crd = parse(
    readFileSync(path.join(sharedDir(), 'argocd', file), 'utf8'),
  );
  const version = crd.spec.versions.find((v: Schema) => v.name === 'v1alpha1');
  const schema = closeObjects(version.schema.openAPIV3Schema);
  // metadata is `type: object` with no properties in the CRD; ObjectMeta is validated by Kubernetes.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const format of ['int32', 'int64', 'byte']) ajv.addFormat(format, true);
  return ajv.compile(schema);
}

const validate = crdValidator('application-crd.yaml');
const validateProject = crdValidator('appproject-crd.yaml');

function expectValidProject(content: string) {
  const project = parse(content);
  expect(project.kind).toBe('AppProject');
  const valid = validateProject(project);
  expect(validateProject.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
}

function expectValidApplication(content: string) {
  const application = parse(content);
  expect(application.kind).toBe('Application');
  const valid = validate(application);
  expect(validate.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
}

const base = shopPullRequestSpec;
const variants: Array<[string, EnvironmentSpec, RenderOptions]> = [
  ['the shop pull request', base, exampleRenderOptions],
  [
    'a feature environment without annotations',
    {
      name: 'feature-x',
      app: 'shop',
      owner: 'team-shop',
      type: 'feature',
      components: [base.components[0]],
    },
    exampleRenderOptions,
  ],
  [
    'a long-lived environment on another project, namespace and cluster',
    {
      ...base,
      name: 'staging',
      type: 'long-lived',
      expiresAt: undefined,
      pullRequest: undefined,
    },
    {
      gitops: {
        repoURL: 'https://github.com/example/gitops.git',
        targetRevision: 'release',
        namespacePattern: '{environment}-preview',
        sourceRepos: ['*'],
      },
      argocd: {
        namespace: 'gitops',
        project: 'previews',
        destinationServer: 'https://previews.k8s.example.com:6443',
      },
    },
  ],
  [
    'only OCI charts, on a local file:// repository',
    {
      ...base,
      components: base.components.filter(
        c => !c.chart.repoURL.startsWith('https://'),
      ),
    },
    {
      gitops: {
        repoURL: 'file:///tmp/gitops',
        targetRevision: 'main',
        sourceRepos: [
          'oci://registry.example.com/**',
          'registry.example.com/**',
        ],
      },
    },
  ],
  [
    'the most components allowed',
    {
      ...base,
      components: Array.from({ length: 20 }, (_, i) => ({
        ...base.components[2],
        name: `web-${i}`,
        host: `web-${i}.pr-123.shop.example.com`,
      })),
    },
    exampleRenderOptions,
  ],
];

describe('rendered Applications against the Argo CD Application CRD', () => {
  it.each(variants)('validates %s', (_title, spec, options) => {
    const application = renderEnvironment(spec, options).find(f =>
      f.path.endsWith('/application.yaml'),
    )!;
    expectValidApplication(application.content);
  });

  it.each([
    ['default options', exampleRenderOptions],
    [
      'another Argo CD namespace',
      { ...exampleRenderOptions, argocd: { namespace: 'gitops' } },
    ],
  ])('validates the root Application with %s', (_title, options) => {
    const root = renderBootstrapFiles(options).find(f =>
      f.path.endsWith('root-application.yaml'),
    )!;
    expectValidApplication(root.content);
  });

  it.each([
    ['default options', exampleRenderOptions],
    [
      'another project, namespace pattern, Argo CD namespace and cluster',
      variants[2][2],
    ],
  ])('validates the bootstrap AppProjects with %s', (_title, options) => {
    const projects = renderBootstrapFiles(options).filter(f =>
      f.path.includes('/appproject-'),
    );
    expect(projects.map(f => f.path)).toEqual([
      'bootstrap/appproject-environments.yaml',
      'bootstrap/appproject-root.yaml',
    ]);
    for (const project of projects) expectValidProject(project.content);
  });

  it('catches a misspelt field, which Kubernetes would silently drop', () => {
    const application = parse(
      renderEnvironment(base, exampleRenderOptions)[0].content,
    );
    application.spec.syncPolicy.automated.selfheal = true;
    expect(validate(application)).toBe(false);
  });
});

describe('generated environments against the Application CRD', () => {
  const randomOptions: RenderOptions = {
    gitops: {
      ...exampleRenderOptions.gitops,
      sourceRepos: [
        'https://charts.example.com',
        'reg.example.com/charts',
        'oci://reg.example.com/charts/*',
      ],
    },
  };
  it('validates 200 random valid environments', () => {
    const random = seededRandom(4242);
    const hex = () =>
      Array.from({ length: 64 }, () =>
        random.pick([...'0123456789abcdef']),
      ).join('');
    for (let i = 0; i < 200; i++) {
      const type = random.pick([
        'pull-request',
        'feature',
        'long-lived',
      ] as const);
      const count = random.int(1, 6);
      const spec: EnvironmentSpec = {
        name: `env-${i}`,
        app: random.pick(['shop', 'billing', 'a.b_c-d']),
        owner: random.pick(['team-a', 'group:default/team-b', 'user:jane.doe']),
        type,
        pullRequest: type === 'pull-request' ? random.int(1, 99999) : undefined,
        mergeRequestUrl: random.bool()
          ? `https://git.example.com/mr/${i}`
          : undefined,
        expiresAt:
          type !== 'long-lived' && random.bool()
            ? '2031-02-03T04:05:06Z'
            : undefined,
        sourceEntity: random.bool() ? 'component:default/shop-web' : undefined,
        components: Array.from({ length: count }, (_, c) => {
          const role = random.pick([
            'backend',
            'frontend',
            'database',
          ] as const);
          // The three spellings of a chart's origin: chart repository, Helm OCI, OCI artifact.
          const origin = random.int(0, 2);
          return {
            name: `c${c}-${role}`,
            role,
            image:
              role === 'database' && random.bool()
                ? undefined
                : `reg.example.com/x/c${c}@sha256:${hex()}`,
            chart: [
              {
                repoURL: 'https://charts.example.com',
                chart: `c${c}`,
                targetRevision: `1.${c}.0`,
              },
              {
                repoURL: 'reg.example.com/charts',
                chart: `c${c}`,
                targetRevision: `1.${c}.0`,
              },
              {
                repoURL: `oci://reg.example.com/charts/c${c}`,
                targetRevision: `1.${c}.0`,
              },
            ][origin],
            host:
              role === 'frontend' || (role === 'backend' && random.bool())
                ? `c${c}.env-${i}.example.com`
                : undefined,
            values: random.bool()
              ? { replicaCount: c, extra: { on: 'yes' } }
              : undefined,
          };
        }),
      };
      const files = renderEnvironment(spec, randomOptions);
      expectValidApplication(
        files.find(f => f.path.endsWith('/application.yaml'))!.content,
      );
      for (const file of files) expect(() => parse(file.content)).not.toThrow();
    }
  });
});
