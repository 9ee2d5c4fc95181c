import fs from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runTool } from '../render/tools';
import { exampleChartDirs, helmCreateChart } from './exampleCharts';

/**
 * A Helm chart repository on localhost, as any static web server hosts one: the charts packaged by
 * the real `helm package`, an `index.yaml` made by `helm repo index` with the server's own URL, and
 * the files served over HTTP. The embedded default serves the example shop's charts with it, so that
 * Kustomize's `helm pull` (and so the stand-in's render) fetches real charts with no network.
 */
export interface ChartRepository {
  /** `http://127.0.0.1:<port>`: a chart's `repoURL`. */
  url: string;
  /** The charts it serves: name and version. */
  charts: { name: string; version: string }[];
  stop(): Promise<void>;
}

export interface ChartRepositoryOptions {
  /** Chart folders (each with a Chart.yaml) to package and serve. */
  chartDirs: string[];
  /** Names of charts to make with the real `helm create` (unmodified) and serve too. */
  helmCreate?: string[];
  /** Port; 0 (the default) picks a free one. */
  port?: number;
  host?: string;
}

export async function startChartRepository(
  options: ChartRepositoryOptions,
): Promise<ChartRepository> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-repository-'));
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    const name = decodeURIComponent(
      new URL(req.url ?? '/', 'http://x').pathname,
    ).slice(1);
    // Only the files this server wrote: index.yaml and the packaged charts, no folders, no `..`.
    const file = /^[A-Za-z0-9._-]+$/.test(name)
      ? path.join(root, name)
      : undefined;
    if (
      (req.method !== 'GET' && req.method !== 'HEAD') ||
      !file ||
      !fs.existsSync(file) ||
      !fs.statSync(file).isFile()
    ) {
      res.writeHead(404).end();
      return;
    }
    const body = fs.readFileSync(file);
    res.writeHead(200, {
      'Content-Type': name.endsWith('.yaml')
        ? 'application/yaml'
        : 'application/gzip',
      'Content-Length': body.length,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const stop = () =>
    new Promise<void>(resolve => {
      server.close(() => resolve());
      server.closeAllConnections();
      fs.rmSync(root, { recursive: true, force: true });
    });
  try {
    const url = `http://${host}:${(server.address() as AddressInfo).port}`;
    const charts: ChartRepository['charts'] = [];
    const scaffolds = fs.mkdtempSync(path.join(root, '.scaffolds-'));
    const created: string[] = [];
    for (const name of options.helmCreate ?? [])
      created.push(await helmCreateChart(scaffolds, name));
    for (const dir of [...options.chartDirs, ...created]) {
      const output = await runTool('helm', ['package', dir, '-d', root]);
      const match = /([^/\s]+)-(\d[^/\s]*)\.tgz\s*$/.exec(output.trim());
      if (match) charts.push({ name: match[1], version: match[2] });
    }
    fs.rmSync(scaffolds, { recursive: true, force: true });
    await runTool('helm', ['repo', 'index', root, '--url', url]);
    return { url, charts, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The port of the embedded default's chart repository, which the template's defaults name. */
export const EXAMPLE_CHART_REPOSITORY_PORT = 7081;

/**
 * The embedded default's chart repository: the example shop's charts (`shop-service`, `redis`) and
 * an unmodified `helm create web`, on `http://127.0.0.1:7081` unless told otherwise.
 */
export function startExampleChartRepository(
  port = EXAMPLE_CHART_REPOSITORY_PORT,
): Promise<ChartRepository> {
  return startChartRepository({
    chartDirs: exampleChartDirs(),
    helmCreate: ['web'],
    port,
  });
}
