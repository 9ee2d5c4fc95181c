import { InputError, ServiceUnavailableError } from '@backstage/errors';
import {
  ChartAvailability,
  OciRegistryClient,
} from '@blueberry-idp/plugin-blueberry-node';
import {
  startTestChartRepository,
  TestChartRepository,
} from '@blueberry-idp/plugin-blueberry-node/testUtils';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
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

// Real helm makes the chart repository; a shared 2-core machine.
jest.setTimeout(60_000);

/** Every file under `root` with its content: what "nothing written" is compared against. */
async function snapshot(root: string): Promise<Record<string, string>> {
  const files = await filesUnder(root);
  return Object.fromEntries(
    await Promise.all(
      files.map(
        async file =>
          [file, await fs.readFile(path.join(root, file), 'utf8')] as const,
      ),
    ),
  );
}

/** The shop's input with every chart from `url`, the storefront's at `storefrontVersion`. */
function inputOn(url: string, storefrontVersion = '0.1.0', extra = {}) {
  const input = shopCreateInput(extra);
  input.components = input.components.map(component => ({
    ...component,
    chart:
      component.name === 'redis'
        ? { repoURL: url, chart: 'redis', targetRevision: '7.4.2' }
        : {
            ...component.chart,
            repoURL: url,
            targetRevision:
              component.name === 'storefront'
                ? storefrontVersion
                : component.chart.targetRevision,
          },
  }));
  return input;
}

// The action with the chart check, on the shop's charts in a real chart repository.
describe('blueberry:environment:create checks the charts before writing', () => {
  let charts: TestChartRepository;
  let workspace: string;
  const action = createBlueberryEnvironmentCreateAction({
    ownership: ownershipOver(undefined).ownership,
    render: testRenderOptions('/unused'),
    clock: fixedClock,
    charts: new ChartAvailability({ registry: new OciRegistryClient([]) }),
  });

  beforeAll(async () => {
    charts = await startTestChartRepository([
      { name: 'shop-service', versions: ['1.4.2'] },
      { name: 'redis', versions: ['7.4.2'] },
      { name: 'web', versions: ['0.1.0', '0.2.0'] },
    ]);
  });
  afterAll(() => charts?.stop());
  beforeEach(async () => {
    workspace = await makeTempDir('workspace');
  });
  afterEach(() => fs.rm(workspace, { recursive: true, force: true }));

  it('writes the environment when every chart version exists', async () => {
    await action.handler(mockContext(inputOn(charts.url), workspace));
    expect(await filesUnder(workspace)).toContain(
      'environments/pr-123/application.yaml',
    );
  });

  it.each([false, true])(
    'refuses a missing version and leaves an existing environment untouched (dry run: %s)',
    async isDryRun => {
      await action.handler(mockContext(inputOn(charts.url), workspace));
      const before = await snapshot(workspace);

      const refused = action.handler(
        mockContext(
          inputOn(charts.url, '0.3.0', { update: true, ttl: '7d' }),
          workspace,
          { isDryRun },
        ),
      );
      await expect(refused).rejects.toThrow(InputError);
      await expect(refused).rejects.toThrow(
        `Component 'storefront': chart 'web' has no version 0.3.0 in the chart repository ${charts.url} (nearest: 0.1.0, 0.2.0)`,
      );
      expect(await snapshot(workspace)).toEqual(before);
    },
  );

  it('refuses an unreachable chart repository, writing nothing', async () => {
    const server = net.createServer();
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise(resolve => server.close(resolve));
    const url = `http://127.0.0.1:${port}`;

    const refused = action.handler(mockContext(inputOn(url), workspace));
    await expect(refused).rejects.toThrow(ServiceUnavailableError);
    await expect(refused).rejects.toThrow(
      `the chart repository ${url} is unreachable`,
    );
    expect(await filesUnder(workspace)).toEqual([]);
  });
});
