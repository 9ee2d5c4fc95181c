import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { renderEnvironment } from '@blueberry-idp/plugin-blueberry-node';
import {
  RealRegistry,
  startRealRegistry,
} from '@blueberry-idp/plugin-blueberry-node/testUtils';
import { EXAMPLE_CHARTS_DIR } from '../charts/exampleCharts';
import { toManifest } from '../gitops/snapshot';
import { ManifestRenderer } from './ManifestRenderer';

// Real helm, git and Debian's docker-registry on a shared 2-core machine.
jest.setTimeout(90_000);

/**
 * This machine's first non-loopback IPv4 address. Helm (containerd's resolver) falls back to plain
 * HTTP by itself for a registry on localhost, so only a registry on another address shows what
 * `insecureOCIForceHttp` changes, as for a registry inside a cluster.
 */
function nonLoopbackAddress(): string {
  const address = Object.values(os.networkInterfaces())
    .flat()
    .find(i => i && i.family === 'IPv4' && !i.internal)?.address;
  if (!address)
    throw new Error('this test needs a non-loopback IPv4 interface');
  return address;
}

/**
 * Helm charts from a real OCI registry (Debian's docker-registry, plain HTTP), pushed with the
 * real `helm push`, rendered as Argo CD's repo-server renders an OCI source: an `oci://` repoURL is
 * the chart itself (`path` inside it), a repoURL without scheme plus `chart` is a Helm OCI
 * repository; plain HTTP off localhost only where the repository is registered with
 * `insecureOCIForceHttp`.
 */
describe('charts from a real OCI registry', () => {
  let registry: RealRegistry;
  let root: string;
  let gitops: string;
  let commit: string;

  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

  beforeAll(async () => {
    registry = await startRealRegistry('none', {
      address: nonLoopbackAddress(),
    });
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'standin-oci-'));
    const packaged = path.join(root, 'packaged');
    for (const chart of ['redis', 'shop-service'])
      execFileSync('helm', [
        'package',
        path.join(EXAMPLE_CHARTS_DIR, chart),
        '--destination',
        packaged,
      ]);
    for (const chart of ['redis-7.4.2.tgz', 'shop-service-1.4.2.tgz'])
      execFileSync('helm', [
        'push',
        path.join(packaged, chart),
        `oci://${registry.host}/charts`,
        '--plain-http',
      ]);
    // The renderer reads a GitOps repository at a commit, even when no source comes from it.
    gitops = path.join(root, 'gitops');
    fs.mkdirSync(gitops);
    git(gitops, 'init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(gitops, 'README.md'), 'GitOps\n');
    git(gitops, 'add', '-A');
    git(
      gitops,
      '-c',
      'user.name=T',
      '-c',
      'user.email=t@example.com',
      'commit',
      '-q',
      '-m',
      'init',
    );
    commit = git(gitops, 'rev-parse', 'HEAD');
  });

  afterAll(async () => {
    await registry?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  function renderWith(
    spec: Record<string, unknown>,
    repositories: { url: string; insecureOCIForceHttp?: boolean }[],
  ) {
    const renderer = new ManifestRenderer({ repoPath: gitops, repositories });
    return renderer
      .render(
        'cache',
        toManifest({ kind: 'Application', spec }),
        commit,
        JSON.stringify([spec, repositories]),
      )
      .finally(() => renderer.close());
  }

  const destination = {
    server: 'https://kubernetes.default.svc',
    namespace: 'blueberry-cache',
  };

  it('renders an oci:// source pulled over plain HTTP, its objects from the rendered chart', async () => {
    const { resources, problems } = await renderWith(
      {
        destination,
        source: {
          repoURL: `oci://${registry.host}/charts/redis`,
          targetRevision: '7.4.2',
          path: '.',
        },
      },
      [{ url: `oci://${registry.host}/charts`, insecureOCIForceHttp: true }],
    );
    expect(problems).toEqual([]);
    // The example Redis chart's own objects, release name the Application's, in its namespace.
    expect(resources.map(r => `${r.kind}/${r.namespace}/${r.name}`)).toEqual([
      'ConfigMap/blueberry-cache/cache-redis',
      'Service/blueberry-cache/cache-redis',
      'StatefulSet/blueberry-cache/cache-redis',
    ]);
    const statefulSet = resources.find(r => r.kind === 'StatefulSet')!;
    expect(statefulSet.images).toEqual([
      expect.stringMatching(/^docker\.io\/library\/redis/),
    ]);
  });

  it('renders the Helm OCI repository spelling (no scheme, chart apart)', async () => {
    const { resources, problems } = await renderWith(
      {
        destination,
        source: {
          repoURL: `${registry.host}/charts`,
          chart: 'redis',
          targetRevision: '7.4.2',
        },
      },
      [{ url: `${registry.host}/charts`, insecureOCIForceHttp: true }],
    );
    expect(problems).toEqual([]);
    expect(resources.some(r => r.kind === 'StatefulSet')).toBe(true);
  });

  it("reaches a plain-HTTP registry without the setting too, through Helm v3's own HTTP fallback", async () => {
    // Helm 3 retries over HTTP when a registry answers HTTPS with HTTP (pkg/registry/fallback.go,
    // kept from ORAS v1, gone in Helm 4): the repo-server's Helm 3 does the same.
    const { resources, problems } = await renderWith(
      {
        destination,
        source: {
          repoURL: `oci://${registry.host}/charts/redis`,
          targetRevision: '7.4.2',
        },
      },
      [],
    );
    expect(problems).toEqual([]);
    expect(resources.some(r => r.kind === 'StatefulSet')).toBe(true);
  });

  it("renders Blueberry's layout with an oci:// chart: Kustomize's helmCharts pull it from the registry", async () => {
    const image = `registry.example.com/shop/api@sha256:${'e'.repeat(64)}`;
    const files = renderEnvironment(
      {
        name: 'oci-1',
        app: 'shop',
        owner: 'group:default/team-shop',
        type: 'feature',
        components: [
          {
            name: 'api',
            role: 'backend',
            image,
            chart: {
              repoURL: `oci://${registry.host}/charts/shop-service`,
              targetRevision: '1.4.2',
            },
          },
        ],
      },
      {
        gitops: {
          repoURL: `file://${gitops}`,
          targetRevision: 'main',
          sourceRepos: [`oci://${registry.host}/charts/*`],
        },
      },
    );
    for (const file of files) {
      fs.mkdirSync(path.dirname(path.join(gitops, file.path)), {
        recursive: true,
      });
      fs.writeFileSync(path.join(gitops, file.path), file.content);
    }
    git(gitops, 'add', '-A');
    git(
      gitops,
      '-c',
      'user.name=T',
      '-c',
      'user.email=t@example.com',
      'commit',
      '-q',
      '-m',
      'oci-1',
    );
    const head = git(gitops, 'rev-parse', 'HEAD');
    const renderer = new ManifestRenderer({ repoPath: gitops });
    try {
      const application = files.find(f => f.path.endsWith('application.yaml'))!;
      const { resources, problems } = await renderer.render(
        'oci-1',
        toManifest(parse(application.content)),
        head,
        head,
      );
      expect(problems).toEqual([]);
      // The chart's own objects as Blueberry's patches leave them: the pinned image, wave 1, in the
      // environment's namespace (the Application's destination, where Kustomize leaves it unset).
      expect(
        resources.map(r => [r.kind, r.namespace, r.name, r.wave, r.images]),
      ).toEqual([
        ['ConfigMap', 'blueberry-oci-1', 'api', 0, []],
        ['Namespace', '', 'blueberry-oci-1', 0, []],
        ['Deployment', 'blueberry-oci-1', 'api', 1, [image]],
        ['Service', 'blueberry-oci-1', 'api', 1, []],
      ]);
    } finally {
      renderer.close();
    }
  });
});
