import { ConfigReader } from '@backstage/config';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import type {
  ChartSource,
  ComponentSpec,
} from '@blueberry-idp/plugin-blueberry-common';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { OciRegistryClient } from '../registry/OciRegistryClient';
import { RealRegistry, startRealRegistry } from '../testUtils/realRegistry';
import {
  runHelm,
  startTestChartRepository,
  TestChartRepository,
} from '../testUtils/chartRepository';
import { ChartAvailability } from './ChartAvailability';

// Real helm, a real registry and a real HTTP server on a shared 2-core machine.
jest.setTimeout(60_000);

const component = (name: string, chart: ChartSource): ComponentSpec => ({
  name,
  role: 'database',
  chart,
});

/** The error `promise` rejects with (the test fails if it resolves). */
async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a refusal, but the check passed');
    },
    error => error as Error,
  );
}

/** A server on localhost that answers every request with `handler`. */
async function serve(
  handler: http.RequestListener,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    stop: () =>
      new Promise(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A localhost port nothing listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise(resolve => server.close(resolve));
  return port;
}

const noRegistries = new ChartAvailability({
  registry: new OciRegistryClient([]),
});

describe('ChartAvailability on a real Helm chart repository', () => {
  let repo: TestChartRepository;

  beforeAll(async () => {
    repo = await startTestChartRepository([
      { name: 'web', versions: ['0.1.0', '0.2.0', '0.3.0', '1.0.0', '1.1.0'] },
      { name: 'shop-service', versions: ['1.4.2'] },
    ]);
  });
  afterAll(() => repo?.stop());

  it('passes charts whose exact versions the index lists, reading index.yaml once', async () => {
    repo.requests.length = 0;
    await noRegistries.check([
      component('storefront', {
        repoURL: repo.url,
        chart: 'web',
        targetRevision: '0.3.0',
      }),
      component('shop-backend', {
        repoURL: `${repo.url}/`,
        chart: 'shop-service',
        targetRevision: '1.4.2',
      }),
    ]);
    expect(repo.requests).toEqual(['/index.yaml']);
  });

  it('refuses a missing version, naming component, chart, version, repository and the nearest versions', async () => {
    const error = await failure(
      noRegistries.check([
        component('storefront', {
          repoURL: repo.url,
          chart: 'web',
          targetRevision: '0.4.0',
        }),
      ]),
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      `Component 'storefront': chart 'web' has no version 0.4.0 in the chart repository ${repo.url} (nearest: 0.2.0, 0.3.0, 1.0.0, 1.1.0)`,
    );
  });

  it('refuses a missing chart, listing the charts the repository has', async () => {
    const error = await failure(
      noRegistries.check([
        component('cache', {
          repoURL: repo.url,
          chart: 'redis',
          targetRevision: '7.4.2',
        }),
      ]),
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      `Component 'cache': chart 'redis' is not in the chart repository ${repo.url} (it has shop-service, web)`,
    );
  });

  it('refuses a URL that serves no chart index', async () => {
    const error = await failure(
      noRegistries.check([
        component('cache', {
          repoURL: `${repo.url}/charts`,
          chart: 'web',
          targetRevision: '0.1.0',
        }),
      ]),
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(
      `${repo.url}/charts is not a Helm chart repository: it has no index.yaml (404)`,
    );
  });
});

describe('ChartAvailability on a chart repository it cannot read', () => {
  it('refuses a repository that refuses connections, naming it', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const error = await failure(
      noRegistries.check([
        component('cache', { repoURL: url, chart: 'web', targetRevision: '1' }),
      ]),
    );
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toMatch(
      new RegExp(
        `^Component 'cache': the chart repository ${url} is unreachable \\(connect ECONNREFUSED .*\\); check repoURL`,
      ),
    );
  });

  it('refuses a repository that answers 503', async () => {
    const server = await serve((_req, res) => res.writeHead(503).end());
    try {
      const error = await failure(
        noRegistries.check([
          component('cache', {
            repoURL: server.url,
            chart: 'web',
            targetRevision: '1',
          }),
        ]),
      );
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toContain(
        `the chart repository ${server.url} is unreachable (it answered 503)`,
      );
    } finally {
      await server.stop();
    }
  });

  it('gives up on a repository that never answers, within its timeout', async () => {
    const server = await serve(() => {});
    const checker = new ChartAvailability({
      registry: new OciRegistryClient([]),
      indexTimeoutMs: 300,
    });
    try {
      const error = await failure(
        checker.check([
          component('cache', {
            repoURL: server.url,
            chart: 'web',
            targetRevision: '1',
          }),
        ]),
      );
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toContain('(no answer within 0.3 s)');
    } finally {
      await server.stop();
    }
  });

  it('leaves a repository that wants credentials to Argo CD, with a warning', async () => {
    const server = await serve((_req, res) => res.writeHead(401).end());
    const warnings: string[] = [];
    try {
      await noRegistries.check(
        [
          component('cache', {
            repoURL: server.url,
            chart: 'web',
            targetRevision: '1',
          }),
        ],
        { warn: message => warnings.push(message) },
      );
      expect(warnings).toEqual([
        `Chart repository ${server.url} refused to show its index.yaml (401); its charts are not checked at creation, Argo CD reports on the card if it cannot fetch them either`,
      ]);
    } finally {
      await server.stop();
    }
  });
});

describe('ChartAvailability on charts pushed to a real OCI registry', () => {
  let registry: RealRegistry;
  let checker: ChartAvailability;

  beforeAll(async () => {
    registry = await startRealRegistry('none');
    const charts = await startTestChartRepository([
      { name: 'redis', versions: ['7.4.2', '7.5.0+build.3'] },
    ]);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'blueberry-push-'));
    try {
      for (const chart of charts.packages) {
        await runHelm(home, [
          'push',
          chart,
          `oci://${registry.host}/shop/charts`,
          '--plain-http',
        ]);
      }
    } finally {
      await charts.stop();
      fs.rmSync(home, { recursive: true, force: true });
    }
    checker = ChartAvailability.fromConfig(
      new ConfigReader({
        blueberry: { registries: [{ host: registry.host, insecure: true }] },
      }),
    );
  });
  afterAll(() => registry?.stop());

  it('passes a pushed version, in both spellings Argo CD takes, build metadata included', async () => {
    await expect(
      checker.check([
        component('redis', {
          repoURL: `oci://${registry.host}/shop/charts/redis`,
          targetRevision: '7.4.2',
        }),
        component('cache', {
          repoURL: `${registry.host}/shop/charts`,
          chart: 'redis',
          targetRevision: '7.5.0+build.3',
        }),
      ]),
    ).resolves.toBeUndefined();
  });

  it('refuses a version that was never pushed', async () => {
    const error = await failure(
      checker.check([
        component('redis', {
          repoURL: `oci://${registry.host}/shop/charts/redis`,
          targetRevision: '7.4.3',
        }),
      ]),
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      `Component 'redis': chart oci://${registry.host}/shop/charts/redis version 7.4.3 does not exist: registry ${registry.host} has no manifest for shop/charts/redis:7.4.3 (no such chart, or no such version)`,
    );
  });

  it('refuses a chart that was never pushed', async () => {
    const error = await failure(
      checker.check([
        component('cache', {
          repoURL: `${registry.host}/shop/charts`,
          chart: 'valkey',
          targetRevision: '7.4.2',
        }),
      ]),
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(
      `chart oci://${registry.host}/shop/charts/valkey version 7.4.2 does not exist`,
    );
  });

  it('refuses a registry that refuses connections, naming it', async () => {
    const host = `127.0.0.1:${await closedPort()}`;
    const error = await failure(
      ChartAvailability.fromConfig(
        new ConfigReader({
          blueberry: { registries: [{ host, insecure: true }] },
        }),
      ).check([
        component('redis', {
          repoURL: `oci://${host}/shop/charts/redis`,
          targetRevision: '7.4.2',
        }),
      ]),
    );
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toMatch(
      new RegExp(
        `^Component 'redis': the OCI registry of chart oci://${host}/shop/charts/redis could not be asked for version 7.4.2: Registry ${host} is unreachable`,
      ),
    );
  });
});

describe('ChartAvailability on an OCI registry that wants credentials Blueberry lacks', () => {
  let registry: RealRegistry;
  beforeAll(async () => {
    registry = await startRealRegistry('basic');
  });
  afterAll(() => registry?.stop());

  it('leaves the chart to Argo CD (which may hold them), with a warning', async () => {
    const warnings: string[] = [];
    await ChartAvailability.fromConfig(
      new ConfigReader({
        blueberry: { registries: [{ host: registry.host, insecure: true }] },
      }),
    ).check(
      [
        component('redis', {
          repoURL: `oci://${registry.host}/shop/charts/redis`,
          targetRevision: '7.4.2',
        }),
      ],
      { warn: message => warnings.push(message) },
    );
    expect(warnings).toEqual([
      `Component 'redis': chart oci://${registry.host}/shop/charts/redis version 7.4.2 not checked: Registry ${registry.host} refused to show shop/charts/redis (401): give its credentials in blueberry.registries; Argo CD reports it on the card if it cannot pull it either`,
    ]);
  });
});
