import { InputError } from '@backstage/errors';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { parseBlueprint } from './blueprintSchema';
import { branchSlug, expandTagPattern } from './patterns';

const EXAMPLE = path.resolve(
  __dirname,
  '../../../../examples/.blueberry/environment.yaml',
);

const backend = {
  name: 'shop-backend',
  role: 'backend',
  chart: {
    repoURL: 'http://127.0.0.1:7081',
    chart: 'shop-service',
    targetRevision: '1.4.2',
  },
  image: { repository: 'registry.example.com/shop/backend', tag: '{shortSha}' },
};
const blueprint = (spec: Record<string, unknown>, top = {}) =>
  stringify({
    apiVersion: 'blueberry.io/v1alpha1',
    kind: 'EnvironmentBlueprint',
    spec: { components: [backend], ...spec },
    ...top,
  });

function refusal(text: string): string {
  try {
    parseBlueprint(text, 'shop');
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected an InputError, got none');
}

describe('parseBlueprint', () => {
  it("reads the example shop's blueprint", async () => {
    const parsed = parseBlueprint(await fs.readFile(EXAMPLE, 'utf8'), 'shop');
    expect(parsed.spec).toMatchObject({
      hosts: '{component}-{environment}.preview.localhost',
      ttl: '72h',
      maxTtl: '14d',
    });
    expect(parsed.spec.components.map(c => [c.name, c.image?.tag])).toEqual([
      ['shop-backend', '{shortSha}'],
      ['redis', undefined],
      ['storefront', '1.8.0'],
    ]);
  });

  it.each([
    [
      'apiVersion',
      blueprint({}, { apiVersion: 'v1' }),
      'apiVersion must be blueberry.io/v1alpha1',
    ],
    [
      'kind',
      blueprint({}, { kind: 'Blueprint' }),
      'kind must be EnvironmentBlueprint',
    ],
    [
      'components',
      blueprint({ components: [] }),
      'spec.components must list at least one component',
    ],
    [
      'role',
      blueprint({ components: [{ ...backend, role: 'cache' }] }),
      'spec.components[0].role Invalid enum value',
    ],
    [
      'tag placeholder',
      blueprint({
        components: [
          { ...backend, image: { ...backend.image, tag: '{sha7}' } },
        ],
      }),
      'spec.components[0].image.tag uses {sha7}, which is not one of {sha}, {shortSha}, {number}, {branch}',
    ],
    [
      'latest',
      blueprint({
        components: [
          { ...backend, image: { ...backend.image, tag: 'latest' } },
        ],
      }),
      "spec.components[0].image.tag must not be 'latest'",
    ],
    [
      'repository with a tag',
      blueprint({
        components: [
          {
            ...backend,
            image: {
              repository: 'registry.example.com/shop/backend:1.0',
              tag: '1.0',
            },
          },
        ],
      }),
      'spec.components[0].image.repository must be the repository only',
    ],
    [
      'values path',
      blueprint({ components: [{ ...backend, values: ['../secrets.yaml'] }] }),
      'spec.components[0].values[0] must be a path inside the application repository',
    ],
    [
      'hosts placeholder',
      blueprint({ hosts: '{name}.example.com' }),
      'spec.hosts uses {name}, which is not one of {component}, {environment}',
    ],
    ['ttl', blueprint({ ttl: '3 days' }), 'spec.ttl must be a whole number'],
    [
      'ttl over maxTtl',
      blueprint({ ttl: '30d', maxTtl: '14d' }),
      'spec.ttl must not be longer than spec.maxTtl (14d)',
    ],
    [
      'duplicate',
      blueprint({ components: [backend, backend] }),
      "spec.components[1].name duplicates component 'shop-backend'",
    ],
    [
      'unknown field',
      blueprint({ replicas: 2 }),
      "spec Unrecognized key(s) in object: 'replicas'",
    ],
    ['YAML', 'spec: [', 'Blueprint shop is not valid YAML'],
  ])('names the field: %s', (_what, text, message) => {
    expect(refusal(text)).toContain(message);
  });
});

describe('tag patterns', () => {
  const revision = {
    sha: '0123456789abcdef0123456789abcdef01234567',
    number: 12,
    branch: 'Feature/Checkout_v2',
  };

  it('expands {sha}, {shortSha}, {number} and {branch} (slugged as CI tags it)', () => {
    expect(
      expandTagPattern('{branch}-{number}-{shortSha}', revision, 'tag'),
    ).toBe('feature-checkout-v2-12-0123456');
    expect(expandTagPattern('{sha}', revision, 'tag')).toBe(revision.sha);
    expect(expandTagPattern('1.8.0', {}, 'tag')).toBe('1.8.0');
    const long = branchSlug('-a/'.repeat(40));
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^a(-a)*$/);
  });

  it('refuses a placeholder with no value, naming the field', () => {
    expect(() => expandTagPattern('pr-{number}', {}, 'image.tag')).toThrow(
      "image.tag 'pr-{number}' uses {number}, but no merge request number was given",
    );
  });
});
