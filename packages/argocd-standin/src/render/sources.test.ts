import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { helmCreateChart } from '../charts/exampleCharts';
import { ManifestRenderer } from './ManifestRenderer';
import { toManifest } from '../gitops/snapshot';

// Real git, helm and kustomize on a shared 2-core machine.
jest.setTimeout(60_000);

/**
 * The source types Argo CD renders, each with the real tools: a Helm chart at a Git path with a
 * `$ref` value file from another repository, a plain directory with include/exclude, Kustomize, and
 * the OCI rule (an `oci://` repoURL is an artifact, whatever `chart` says).
 */
describe('rendering Application sources as Argo CD does', () => {
  let root: string;
  let gitops: string;
  let values: string;
  let commit: string;
  let renderer: ManifestRenderer;

  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
  const commitAll = (cwd: string) => {
    git(cwd, 'add', '-A');
    git(
      cwd,
      '-c',
      'user.name=T',
      '-c',
      'user.email=t@example.com',
      'commit',
      '-q',
      '-m',
      'files',
    );
    return git(cwd, 'rev-parse', 'HEAD');
  };
  const write = (base: string, file: string, content: string) => {
    fs.mkdirSync(path.dirname(path.join(base, file)), { recursive: true });
    fs.writeFileSync(path.join(base, file), content);
  };
  const render = (spec: Record<string, unknown>) =>
    renderer.render(
      'demo',
      toManifest({ kind: 'Application', spec }),
      commit,
      JSON.stringify(spec),
    );

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'standin-sources-'));
    gitops = path.join(root, 'gitops');
    values = path.join(root, 'values');
    for (const dir of [gitops, values]) {
      fs.mkdirSync(dir);
      git(dir, 'init', '-q', '-b', 'main');
    }
    await helmCreateChart(path.join(gitops), 'web');
    write(
      gitops,
      'plain/app.yaml',
      stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'settings',
          annotations: { 'argocd.argoproj.io/sync-wave': '-1' },
        },
      }),
    );
    write(
      gitops,
      'plain/skip.yaml',
      stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }),
    );
    write(
      gitops,
      'kustomized/kustomization.yaml',
      stringify({ resources: ['app.yaml'], namePrefix: 'k-' }),
    );
    fs.copyFileSync(
      path.join(gitops, 'plain/app.yaml'),
      path.join(gitops, 'kustomized/app.yaml'),
    );
    // Outside the kustomization's root: Kustomize's load restrictor refuses it, in Argo CD too.
    write(
      gitops,
      'escaping/kustomization.yaml',
      stringify({ resources: ['../plain/app.yaml'] }),
    );
    commit = commitAll(gitops);
    write(
      values,
      'web.yaml',
      'image:\n  tag: "9.9"\ningress:\n  enabled: true\n',
    );
    commitAll(values);
    renderer = new ManifestRenderer({ repoPath: gitops });
  });

  afterAll(() => {
    renderer?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('renders a Helm chart at a Git path with a $ref value file from another repository', async () => {
    const { resources, problems } = await render({
      destination: { namespace: 'pr-1' },
      sources: [
        { repoURL: `file://${values}`, targetRevision: 'main', ref: 'v' },
        {
          repoURL: `file://${gitops}`,
          targetRevision: 'main',
          path: 'web',
          helm: { releaseName: 'shop', valueFiles: ['$v/web.yaml'] },
        },
      ],
    });
    expect(problems).toEqual([]);
    expect(resources.map(r => `${r.kind}/${r.name}`)).toEqual([
      'Deployment/shop-web',
      'Ingress/shop-web',
      'Service/shop-web',
      'ServiceAccount/shop-web',
    ]);
    const deployment = resources.find(r => r.kind === 'Deployment')!;
    expect(deployment).toMatchObject({
      group: 'apps',
      version: 'v1',
      namespace: 'pr-1',
      wave: 0,
      images: ['nginx:9.9'],
    });
    // The scaffold's `helm test` Pod is a hook: Argo CD does not manage it.
    expect(resources.some(r => r.kind === 'Pod')).toBe(false);
    expect(resources.find(r => r.kind === 'Ingress')!.host).toBe(
      'chart-example.local',
    );
  });

  it('reads a directory source with include, and a kustomization with its transformers', async () => {
    const directory = await render({
      destination: { namespace: 'pr-1' },
      source: {
        repoURL: `file://${gitops}`,
        path: 'plain',
        directory: { include: 'app.yaml' },
      },
    });
    expect(directory.resources).toEqual([
      expect.objectContaining({
        kind: 'ConfigMap',
        name: 'settings',
        wave: -1,
      }),
    ]);
    const kustomized = await render({
      destination: { namespace: 'pr-1' },
      source: { repoURL: `file://${gitops}`, path: 'kustomized' },
    });
    expect(kustomized.problems).toEqual([]);
    expect(kustomized.resources.map(r => r.name)).toEqual(['k-settings']);
    const escaping = await render({
      source: { repoURL: `file://${gitops}`, path: 'escaping' },
    });
    expect(escaping.problems).toEqual([
      expect.stringMatching(
        /^failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = `kustomize build <path to cached source>\/escaping --enable-helm` failed exit status 1: .*is not in or below '<path to cached source>\/escaping'/,
      ),
    ]);
  });

  it("fails a source as Argo CD words it: which source of how many, and the tool's message", async () => {
    const missing = await render({
      sources: [
        {
          repoURL: `file://${gitops}`,
          path: 'web',
          helm: { valueFiles: ['$nowhere/x.yaml'] },
        },
      ],
    });
    expect(missing.problems).toEqual([
      'failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = source referenced "nowhere", but no source has a \'ref\' field defined',
    ]);
    const unreachable = await render({
      source: {
        repoURL: 'https://git.example.com/charts.git',
        path: 'web',
      },
    });
    expect(unreachable.problems[0]).toMatch(
      /^failed to generate manifest for source 1 of 1: .*repository not found: https:\/\/git\.example\.com\/charts\.git/,
    );
    expect(unreachable.resources).toEqual([]);
  });

  it('takes an oci:// repoURL as an OCI artifact and ignores chart, as Argo CD does', async () => {
    const { problems } = await render({
      source: {
        repoURL: 'oci://127.0.0.1:1/charts/redis',
        chart: 'redis',
        targetRevision: '1.0.0',
      },
    });
    // helm pulls the artifact itself (…/redis), not …/redis/redis: `chart` played no part.
    expect(problems[0]).toMatch(
      /`helm pull oci:\/\/127\.0\.0\.1:1\/charts\/redis --version 1\.0\.0 /,
    );
  });
});
