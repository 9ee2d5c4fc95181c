import fs from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runTool } from '../render/tools';

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
      !fs.existsSync(file)
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
    for (const dir of options.chartDirs) {
      const output = await runTool('helm', ['package', dir, '-d', root]);
      const match = /([^/\s]+)-(\d[^/\s]*)\.tgz\s*$/.exec(output.trim());
      if (match) charts.push({ name: match[1], version: match[2] });
    }
    await runTool('helm', ['repo', 'index', root, '--url', url]);
    return { url, charts, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
