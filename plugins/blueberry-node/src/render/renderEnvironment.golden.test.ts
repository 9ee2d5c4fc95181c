import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  exampleRenderOptions,
  shopPullRequestSpec,
} from '../__fixtures__/shopEnvironment';
import { renderBootstrapFiles } from './bootstrap';
import { renderEnvironment } from './renderEnvironment';
import { RenderedFile } from './types';

// The committed expected files, named <path>.golden so that formatters leave their bytes alone. To
// accept a deliberate change, run the tests with UPDATE_GOLDEN=1 and review the diff before committing.
const GOLDEN_DIR = path.resolve(__dirname, '../__fixtures__/golden');

async function expectGolden(files: RenderedFile[]) {
  for (const file of files) {
    const goldenPath = `${path.join(
      GOLDEN_DIR,
      ...file.path.split('/'),
    )}.golden`;
    if (process.env.UPDATE_GOLDEN) {
      await fs.mkdir(path.dirname(goldenPath), { recursive: true });
      await fs.writeFile(goldenPath, file.content);
    }
    expect({ path: file.path, content: file.content }).toEqual({
      path: file.path,
      content: await fs.readFile(goldenPath, 'utf8'),
    });
  }
}

describe('renderEnvironment golden files', () => {
  it('renders a pull-request environment with a backend, Redis, two frontends and two secret references exactly', async () => {
    const files = renderEnvironment(shopPullRequestSpec, exampleRenderOptions);
    expect(files.map(f => f.path)).toEqual([
      'environments/pr-123/application.yaml',
      'environments/pr-123/components/admin/kustomization.yaml',
      'environments/pr-123/components/admin/values.yaml',
      'environments/pr-123/components/redis/kustomization.yaml',
      'environments/pr-123/components/redis/values.yaml',
      'environments/pr-123/components/shop-backend/kustomization.yaml',
      'environments/pr-123/components/shop-backend/values.yaml',
      'environments/pr-123/components/storefront/kustomization.yaml',
      'environments/pr-123/components/storefront/values.yaml',
      'environments/pr-123/kustomization.yaml',
      'environments/pr-123/manifests/externalsecret-shop-db.yaml',
      'environments/pr-123/manifests/namespace.yaml',
      'environments/pr-123/manifests/sealedsecret-shop-redis.yaml',
    ]);
    await expectGolden(files);
  });

  it('renders the bootstrap files exactly', async () => {
    await expectGolden(renderBootstrapFiles(exampleRenderOptions));
  });

  it('starts every values file with the blueberry block, and every file parses', () => {
    const files = renderEnvironment(shopPullRequestSpec, exampleRenderOptions);
    for (const file of files)
      expect(parse(file.content)).toBeInstanceOf(Object);
    const valuesFiles = files.filter(file =>
      file.path.endsWith('/values.yaml'),
    );
    expect(valuesFiles).toHaveLength(4);
    for (const file of valuesFiles) {
      expect(Object.keys(parse(file.content))[0]).toBe('blueberry');
      expect(file.content.split('\n').find(line => !line.startsWith('#'))).toBe(
        'blueberry:',
      );
    }
  });
});

describe('renderEnvironment determinism', () => {
  function reversedKeys<T>(value: T): T {
    if (Array.isArray(value)) return value.map(reversedKeys) as T;
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value as object)
        .reverse()
        .map(([k, v]) => [k, reversedKeys(v)]),
    ) as T;
  }

  it('gives the same bytes whatever the order of keys and components in the input', () => {
    const shuffled = reversedKeys({
      ...shopPullRequestSpec,
      components: [...shopPullRequestSpec.components].reverse(),
    });
    expect(renderEnvironment(shuffled, exampleRenderOptions)).toEqual(
      renderEnvironment(shopPullRequestSpec, exampleRenderOptions),
    );
  });

  it('quotes strings that YAML 1.1 readers such as Helm would take for booleans or times', () => {
    const spec = {
      ...shopPullRequestSpec,
      components: [
        {
          ...shopPullRequestSpec.components[1],
          values: { tls: 'on', x: 'no', y: '0o17' },
        },
      ],
    };
    const redis = renderEnvironment(spec, exampleRenderOptions).find(f =>
      f.path.endsWith('redis/values.yaml'),
    )!;
    expect(redis.content).toContain('tls: "on"');
    expect(redis.content).toContain('x: "no"');
    expect(redis.content).toContain('"y": "0o17"');
    expect(parse(redis.content, { version: '1.1' })).toMatchObject({
      tls: 'on',
      x: 'no',
      y: '0o17',
    });
  });
});
