import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A Helm chart repository on localhost, made by the real `helm` and served as static files.
 *
 * @public
 */
export interface TestChartRepository {
  /** `http://127.0.0.1:<port>`: a chart's `repoURL`. */
  url: string;
  /** The packaged charts (`<name>-<version>.tgz`), for a test to push elsewhere (`helm push`). */
  packages: string[];
  /** The path of every request the server answered, in order. */
  requests: string[];
  stop(): Promise<void>;
}

/**
 * Runs the real `helm` (`scripts/env.sh` puts `.tools/bin` on PATH) with its cache, config and
 * registry login kept in `home`, away from the user's own.
 */
export function runHelm(home: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'helm',
      args,
      {
        env: {
          ...process.env,
          HELM_CACHE_HOME: path.join(home, 'cache'),
          HELM_CONFIG_HOME: path.join(home, 'config'),
          HELM_DATA_HOME: path.join(home, 'data'),
        },
      },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`helm ${args.join(' ')}: ${stderr || error}`))
          : resolve(stdout),
    );
  });
}

/**
 * Starts a chart repository serving each chart, made by the real `helm create <name>` (unchanged),
 * packaged at each of its versions by `helm package --version`, with the `index.yaml` of
 * `helm repo index --url <its own URL>`: what any static web server hosting a chart repository serves.
 *
 * @public
 */
export async function startTestChartRepository(
  charts: { name: string; versions: string[] }[],
): Promise<TestChartRepository> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'blueberry-charts-'));
  const root = path.join(home, 'repository');
  fs.mkdirSync(root);
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '/');
    const name = decodeURIComponent(
      new URL(req.url ?? '/', 'http://x').pathname,
    ).slice(1);
    // Only the files helm wrote into the repository folder: no folders, no `..`.
    const file = /^[A-Za-z0-9._-]+$/.test(name)
      ? path.join(root, name)
      : undefined;
    if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200).end(fs.readFileSync(file));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const stop = () =>
    new Promise<void>(resolve => {
      server.close(() => resolve());
      server.closeAllConnections();
      fs.rmSync(home, { recursive: true, force: true });
    });
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const packages: string[] = [];
    const sources = path.join(home, 'sources');
    fs.mkdirSync(sources);
    for (const chart of charts) {
      await runHelm(home, ['create', path.join(sources, chart.name)]);
      for (const version of chart.versions) {
        await runHelm(home, [
          'package',
          path.join(sources, chart.name),
          '--version',
          version,
          '-d',
          root,
        ]);
        packages.push(path.join(root, `${chart.name}-${version}.tgz`));
      }
    }
    await runHelm(home, ['repo', 'index', root, '--url', url]);
    return { url, packages, requests, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
