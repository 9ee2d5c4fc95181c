import {
  mockServices,
  ServiceFactoryTester,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  BlueprintReader,
  OciRegistryClient,
} from '@blueberry-idp/plugin-blueberry-node';
import {
  RealRegistry,
  REGISTRY_PASSWORD,
  REGISTRY_USER,
  startRealRegistry,
} from '@blueberry-idp/plugin-blueberry-node/testUtils';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { parse } from 'yaml';
import {
  filesUnder,
  fixedClock,
  testRenderOptions,
  makeTempDir,
  mockContext,
  ownershipOver,
  shopCreateInput,
} from '../__testUtils__/fixtures';
import { createBlueberryEnvironmentCreateAction } from './createEnvironment';

// A real registry (Debian's docker-registry, htpasswd on), a real HTTP server holding the shop's
// repository, Backstage's real URL reader in front of it; a shared 2-core machine.
jest.setTimeout(60_000);

const EXAMPLES = path.resolve(__dirname, '../../../../examples');
const COMMIT = 'abc1234def5678abc1234def5678abc1234def56';
const NEXT_COMMIT = 'def5678abc1234def5678abc1234def5678abc12';

/** Serves `root` over HTTP, as a Git host serves raw files; 404 for what is not there. */
async function serveFiles(root: string) {
  const server = http.createServer(async (req, res) => {
    const file = path.join(root, decodeURIComponent(req.url!.split('?')[0]));
    try {
      const body = await fs.readFile(file);
      res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    stop: () => new Promise(resolve => server.close(resolve)),
  };
}

describe('blueberry:environment:create from the entity blueprint', () => {
  let registry: RealRegistry;
  let repository: Awaited<ReturnType<typeof serveFiles>>;
  let repositoryDir: string;
  let workspace: string;
  let action: ReturnType<typeof createBlueberryEnvironmentCreateAction>;
  let backendDigest: string;
  let storefrontDigest: string;

  const shop = () => ({
    kind: 'System',
    metadata: {
      name: 'shop',
      annotations: {
        'blueberry.io/blueprint': '.blueberry/environment.yaml',
        'backstage.io/source-location': `url:${repository.url}/`,
      },
    },
    spec: { owner: 'group:default/team-shop' },
  });
  const input = (extra: Record<string, unknown> = {}) => {
    const { components: _c, ttl: _t, ...rest } = shopCreateInput();
    return { ...rest, entity: shop(), commit: COMMIT, ...extra };
  };

  beforeAll(async () => {
    registry = await startRealRegistry('basic');
    backendDigest = await registry.pushImage('shop/backend', 'abc1234');
    storefrontDigest = await registry.pushImage('shop/storefront', '1.8.0');
    // The example shop's own blueprint and values, with the registry of this run.
    repositoryDir = await makeTempDir('shop-repository');
    await fs.cp(
      path.join(EXAMPLES, '.blueberry'),
      path.join(repositoryDir, '.blueberry'),
      { recursive: true },
    );
    const blueprintFile = path.join(
      repositoryDir,
      '.blueberry/environment.yaml',
    );
    await fs.writeFile(
      blueprintFile,
      (
        await fs.readFile(blueprintFile, 'utf8')
      ).replaceAll('127.0.0.1:7082', registry.host),
    );
    repository = await serveFiles(repositoryDir);
    const config = {
      backend: { reading: { allow: [{ host: repository.host }] } },
      blueberry: {
        registries: [
          {
            host: registry.host,
            insecure: true,
            username: REGISTRY_USER,
            password: REGISTRY_PASSWORD,
          },
        ],
      },
    };
    const reader = await ServiceFactoryTester.from(
      mockServices.urlReader.factory(),
      { dependencies: [mockServices.rootConfig.factory({ data: config })] },
    ).getSubject();
    action = createBlueberryEnvironmentCreateAction({
      ownership: ownershipOver(undefined).ownership,
      render: testRenderOptions('/unused'),
      clock: fixedClock,
      blueprints: {
        reader: BlueprintReader.fromConfig(new ConfigReader(config), {
          reader,
        }),
        registry: OciRegistryClient.fromConfig(new ConfigReader(config)),
      },
    });
  });
  afterAll(async () => {
    await repository?.stop();
    await registry?.stop();
  });
  beforeEach(async () => {
    workspace = await makeTempDir('workspace');
  });

  const read = (file: string) =>
    fs.readFile(path.join(workspace, file), 'utf8');

  it("deploys the commit's images by digest, with the blueprint's values, hosts and TTL, and records the commit", async () => {
    const ctx = mockContext(input(), workspace);
    await action.handler(ctx);

    const application = parse(
      await read('environments/pr-123/application.yaml'),
    );
    expect(application.metadata.annotations['blueberry.io/commit']).toBe(
      COMMIT,
    );
    // spec.ttl 72h of the blueprint, counted from the fixed clock.
    expect(application.metadata.annotations['blueberry.io/expires-at']).toBe(
      '2030-01-04T12:00:00Z',
    );
    const backend = await read(
      'environments/pr-123/components/shop-backend/kustomization.yaml',
    );
    const backendValues = parse(
      await read('environments/pr-123/components/shop-backend/values.yaml'),
    );
    expect(`${backend}\n${JSON.stringify(backendValues)}`).toContain(
      backendDigest,
    );
    expect(backendValues.env).toEqual({
      LOG_LEVEL: 'debug',
      REDIS_HOST: 'redis',
    });
    expect(backendValues.blueberry.host).toBe(
      'shop-backend-pr-123.preview.localhost',
    );
    expect(ctx.output).toHaveBeenCalledWith('deployed', [
      {
        component: 'shop-backend',
        role: 'backend',
        chart: 'http://127.0.0.1:7081 shop-service@1.4.2',
        image: `${registry.host}/shop/backend:abc1234`,
        digest: backendDigest,
      },
      {
        component: 'redis',
        role: 'database',
        chart: 'http://127.0.0.1:7081 redis@7.4.2',
      },
      {
        component: 'storefront',
        role: 'frontend',
        chart: 'http://127.0.0.1:7081 web@0.1.0',
        image: `${registry.host}/shop/storefront:1.8.0`,
        digest: storefrontDigest,
      },
    ]);
  });

  it('refuses a commit whose image is not in the registry yet, naming it, and writes nothing', async () => {
    const ctx = mockContext(input({ commit: NEXT_COMMIT }), workspace);
    await expect(action.handler(ctx)).rejects.toMatchObject({
      name: 'InputError',
      message: `Image ${registry.host}/shop/backend:def5678 is not in the registry: ${registry.host} has no manifest for tag 'def5678'`,
    });
    expect(await filesUnder(workspace)).toEqual([]);
  });

  it('says which placeholder has no value when the commit is missing', async () => {
    const ctx = mockContext(input({ commit: '' }), workspace);
    await expect(action.handler(ctx)).rejects.toMatchObject({
      name: 'InputError',
      message:
        "blueprint spec.components[0].image.tag '{shortSha}' uses {shortSha}, but no commit was given",
    });
    expect(await filesUnder(workspace)).toEqual([]);
  });

  it('lets explicit components replace the blueprint ones of the same name', async () => {
    const { components } = shopCreateInput();
    const backend = components.find(c => c.name === 'shop-backend')!;
    const ctx = mockContext(
      input({ components: [backend], commit: NEXT_COMMIT }),
      workspace,
    );
    // No shop/backend:def5678 in the registry: the explicit backend is used, not looked up.
    await action.handler(ctx);
    const files = await filesUnder(workspace);
    expect(files).toEqual(
      expect.arrayContaining([
        'environments/pr-123/components/redis/values.yaml',
        'environments/pr-123/components/storefront/values.yaml',
      ]),
    );
    const kustomization = await read(
      'environments/pr-123/components/shop-backend/kustomization.yaml',
    );
    const values = await read(
      'environments/pr-123/components/shop-backend/values.yaml',
    );
    expect(`${kustomization}${values}`).toContain(backend.image!.split('@')[1]);
  });

  it('names the field when the blueprint breaks a rule', async () => {
    const file = path.join(repositoryDir, '.blueberry/broken.yaml');
    await fs.writeFile(
      file,
      [
        'apiVersion: blueberry.io/v1alpha1',
        'kind: EnvironmentBlueprint',
        'spec:',
        '  components:',
        '    - name: shop-backend',
        '      role: backend',
        "      chart: { repoURL: 'http://127.0.0.1:7081', chart: shop-service, targetRevision: 1.4.2 }",
        "      image: { repository: shop/backend, tag: '{commit}' }",
      ].join('\n'),
    );
    const entity = shop();
    entity.metadata.annotations['blueberry.io/blueprint'] =
      '.blueberry/broken.yaml';
    const ctx = mockContext(input({ entity }), workspace);
    await expect(action.handler(ctx)).rejects.toMatchObject({
      name: 'InputError',
      message: `Invalid blueprint ${repository.url}/.blueberry/broken.yaml: spec.components[0].image.tag uses {commit}, which is not one of {sha}, {shortSha}, {number}, {branch}`,
    });
  });

  it('says so when the blueprint the annotation names is not there', async () => {
    const entity = shop();
    entity.metadata.annotations['blueberry.io/blueprint'] =
      '.blueberry/missing.yaml';
    const ctx = mockContext(input({ entity }), workspace);
    await expect(action.handler(ctx)).rejects.toMatchObject({
      name: 'InputError',
      message: `Blueprint of System shop (blueberry.io/blueprint: .blueberry/missing.yaml) was not found at ${repository.url}/.blueberry/missing.yaml`,
    });
  });
});
