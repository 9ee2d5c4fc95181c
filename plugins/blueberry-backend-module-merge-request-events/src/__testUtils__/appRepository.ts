import { promises as fs } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

const EXAMPLES = path.resolve(__dirname, '../../../../examples');

/**
 * An application's repository served over real HTTP, as a Git host serves raw files: the example
 * shop's blueprint and value files (examples/.blueberry), its images on `registryHost` instead of
 * the embedded default's 127.0.0.1:7082. Read through Backstage's URL reader once
 * `backend.reading.allow` lists `host`.
 */
export async function serveShopRepository(dir: string, registryHost: string) {
  await fs.cp(path.join(EXAMPLES, '.blueberry'), path.join(dir, '.blueberry'), {
    recursive: true,
  });
  const blueprint = path.join(dir, '.blueberry/environment.yaml');
  await fs.writeFile(
    blueprint,
    (
      await fs.readFile(blueprint, 'utf8')
    ).replaceAll('127.0.0.1:7082', registryHost),
  );
  const server = http.createServer(async (req, res) => {
    const file = path.join(dir, decodeURIComponent(req.url!.split('?')[0]));
    try {
      res.writeHead(200).end(await fs.readFile(file));
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

/**
 * A system tied to a GitHub repository and the GitLab project of the same path; with
 * `blueprintBase`, its environment comes from the blueprint served there.
 */
export function systemOf(
  name: string,
  repository: string,
  blueprintBase?: string,
) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'blueberry.io/app': name,
        'gitlab.com/project-slug': repository,
        'github.com/project-slug': repository,
        ...(blueprintBase
          ? {
              'blueberry.io/blueprint': '.blueberry/environment.yaml',
              'backstage.io/source-location': `url:${blueprintBase}/`,
            }
          : {}),
      },
    },
    spec: { owner: 'group:default/team-shop' },
  };
}
