/*
 * Conformance: what Blueberry promises holds on the objects Argo CD would apply. Every environment
 * the end-to-end tests create (the shop's fixed components they give "Create environment", as pr-42, pr-77 and
 * pr-78) and the renderer's golden environment are committed to a real GitOps repository and rendered
 * by the Argo CD stand-in's renderer: the real kustomize with `--enable-helm` inflating the charts
 * with the real helm, pulled from a real chart repository. The charts are of both kinds: the example
 * shop's own (examples/charts: shop-service, redis) and an unmodified `helm create web`, made at
 * test time. Each promise is asserted per object; a render failure fails with the tool's message.
 * Prints a table (environment, chart, object, wave, image, host).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  ChartRepository,
  isClusterScoped,
  KubeObject,
  ManifestRenderer,
  managedResourcesFrom,
  startExampleChartRepository,
  toManifest,
} from '@blueberry-idp/argocd-standin';
import {
  BLUEBERRY_LABELS,
  ComponentSpec,
  EnvironmentSpec,
  environmentNamespace,
  INGRESS_WAVE,
  ownerLabelValue,
  SYNC_WAVE_ANNOTATION,
  waveOfRole,
} from '@blueberry-idp/plugin-blueberry-common';
import {
  exampleRenderOptions,
  goldenEnvironmentSpec,
} from '@blueberry-idp/plugin-blueberry-node/testUtils';
import {
  helmChartReference,
  renderEnvironment,
  validateEnvironmentRequest,
} from '@blueberry-idp/plugin-blueberry-node';
import { repoRoot, shopComponents } from './harness';

const GOLDEN_DIR = path.join(
  repoRoot,
  'plugins/blueberry-node/src/__fixtures__/golden',
);

/** One environment under test: what it is and its spec (what was asked for). */
interface Case {
  title: string;
  spec: EnvironmentSpec;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

/** The environments the end-to-end tests create with the shop's fixed components. */
function templateCases(): Case[] {
  return [
    ['pr-42', 42],
    ['pr-77', 77],
    ['pr-78', 78],
  ].map(([name, pullRequest]) => ({
    title: `shop components (${name})`,
    spec: validateEnvironmentRequest(
      {
        name,
        app: 'shop',
        owner: 'group:default/team-shop',
        type: 'pull-request',
        pullRequest,
        ttl: '72h',
        sourceEntity: 'system:default/shop',
        components: shopComponents(),
      },
      { now: new Date() },
    ),
  }));
}

/**
 * The golden environment: the files the renderer's golden test pins byte for byte, and the spec they
 * are rendered from. Its charts name example.com repositories; the same charts (shop-service, redis,
 * helm create's web) are served here, so each component's `repo:` line is pointed at the local
 * repository and nothing else in the files changes.
 */
function goldenFiles(chartsURL: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.golden')) {
        const relative = path
          .relative(GOLDEN_DIR, full)
          .split(path.sep)
          .join('/')
          .replace(/\.golden$/, '');
        if (!relative.startsWith(`environments/${goldenEnvironmentSpec.name}/`))
          continue;
        files[relative] = fs
          .readFileSync(full, 'utf8')
          .replace(/^(\s+repo: ).*$/m, `$1${chartsURL}`);
      }
    }
  };
  walk(GOLDEN_DIR);
  return files;
}

const table: string[][] = [];

describe('conformance: the promises hold on what helm and kustomize render', () => {
  let charts: ChartRepository;
  // Set up once in `before`; the tests below read them through this one object.
  const under = {} as {
    repoPath: string;
    renderer: ManifestRenderer;
    commit: string;
  };
  const cases: Case[] = [];
  const hostsSeen = new Map<string, string>();

  before(async () => {
    // The shop's components name the embedded default's chart repository on 127.0.0.1:7081.
    charts = await startExampleChartRepository();
    under.repoPath = fs.mkdtempSync(
      path.join(os.tmpdir(), 'blueberry-conformance-'),
    );
    git(under.repoPath, 'init', '-q', '-b', 'main');
    const repoURL = `file://${under.repoPath}`;
    const write = (files: Record<string, string>) => {
      for (const [file, content] of Object.entries(files)) {
        const target = path.join(under.repoPath, file);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, content);
      }
    };
    for (const c of templateCases()) {
      cases.push(c);
      for (const file of renderEnvironment(c.spec, {
        gitops: {
          repoURL,
          targetRevision: 'main',
          sourceRepos: ['http://127.0.0.1:*'],
        },
      }))
        write({ [file.path]: file.content });
    }
    cases.push({ title: 'golden (pr-123)', spec: goldenEnvironmentSpec });
    write(goldenFiles(charts.url));
    git(under.repoPath, 'add', '-A');
    git(
      under.repoPath,
      '-c',
      'user.name=Conformance',
      '-c',
      'user.email=conformance@example.com',
      'commit',
      '-q',
      '-m',
      'environments under test',
    );
    under.commit = git(under.repoPath, 'rev-parse', 'HEAD');
    // The golden Application names the example GitOps URL: here, it is this repository.
    under.renderer = new ManifestRenderer({
      repoPath: under.repoPath,
      repoURLs: [exampleRenderOptions.gitops.repoURL],
    });
  });

  after(async () => {
    under.renderer?.close();
    await charts?.stop();
    if (under.repoPath)
      fs.rmSync(under.repoPath, { recursive: true, force: true });
    const header = ['environment', 'chart', 'object', 'wave', 'image', 'host'];
    const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
    console.log(
      [
        '',
        '## Conformance: rendered objects',
        '',
        line(header),
        line(header.map(() => '---')),
        ...table.map(line),
        '',
      ].join('\n'),
    );
  });

  /** The objects of one component alone: its own kustomization built as the environment's is. */
  async function componentObjects(
    spec: EnvironmentSpec,
    component: ComponentSpec,
  ): Promise<KubeObject[]> {
    return under.renderer.renderObjects(
      `${spec.name}-${component.name}`,
      toManifest({
        kind: 'Application',
        spec: {
          destination: { namespace: environmentNamespace(spec.name) },
          source: {
            repoURL: `file://${under.repoPath}`,
            path: `environments/${spec.name}/components/${component.name}`,
          },
        },
      }),
      under.commit,
    );
  }

  it("fails a chart that does not render with the tool's own message, as Argo CD would", async () => {
    const broken =
      'environments/pr-42/components/shop-backend/kustomization.yaml';
    const file = path.join(under.repoPath, broken);
    fs.writeFileSync(
      file,
      fs.readFileSync(file, 'utf8').replace('version: 1.4.2', 'version: 9.9.9'),
    );
    git(
      under.repoPath,
      'commit',
      '-q',
      '-a',
      '-m',
      'a version the repository lacks',
      '--author',
      'C <c@example.com>',
    );
    const head = git(under.repoPath, 'rev-parse', 'HEAD');
    git(under.repoPath, 'reset', '-q', '--hard', 'HEAD~1');
    const application = toManifest(
      parse(
        fs.readFileSync(
          path.join(under.repoPath, 'environments/pr-42/application.yaml'),
          'utf8',
        ),
      ),
    );
    await assert.rejects(
      under.renderer.renderObjects('pr-42', application, head),
      (error: Error) => {
        assert.match(
          error.message,
          /^failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = `kustomize build .* --enable-helm` failed exit status 1: .*shop-service.*9\.9\.9/s,
        );
        return true;
      },
    );
  });

  for (const index of [0, 1, 2, 3]) {
    it(`environment ${
      index + 1
    }: every promise, per rendered object`, async t => {
      const { title, spec } = cases[index];
      t.diagnostic(title);
      const application = toManifest(
        parse(
          fs.readFileSync(
            path.join(
              under.repoPath,
              `environments/${spec.name}/application.yaml`,
            ),
            'utf8',
          ),
        ),
      );
      // The whole environment as Argo CD renders its one source (a failure: the tool's message).
      const objects = await under.renderer.renderObjects(
        spec.name,
        application,
        under.commit,
      );
      const key = (o: KubeObject) => `${o.kind}/${o.metadata.name}`;
      const byKey = new Map(objects.map(o => [key(o), o]));
      const namespace = environmentNamespace(spec.name);
      const resources = managedResourcesFrom(objects, namespace);
      const waveOf = (o: KubeObject) =>
        resources.find(r => r.kind === o.kind && r.name === o.metadata.name)!
          .wave;

      // No cluster-scoped object but the Namespace, which is wave 0.
      const clusterScoped = objects.filter(o => isClusterScoped(o.kind));
      assert.deepEqual(clusterScoped.map(key), [`Namespace/${namespace}`]);
      assert.equal(waveOf(clusterScoped[0]), 0);
      table.push([
        spec.name,
        '(environment)',
        key(clusterScoped[0]),
        '0',
        '',
        '',
      ]);

      // Secret references come in wave 0, before any workload mounts the Secret they make.
      for (const secret of spec.secrets ?? []) {
        const object = byKey.get(`${secret.kind}/${secret.name}`);
        assert.ok(object, `${secret.kind}/${secret.name} was not rendered`);
        assert.equal(waveOf(object), 0, `${secret.kind}/${secret.name}`);
        table.push([spec.name, '(environment)', key(object), '0', '', '']);
      }

      // Every object carries the environment's blueberry.io labels, and no other namespace.
      const expectedLabels: Record<string, string> = {
        [BLUEBERRY_LABELS.environment]: spec.name,
        [BLUEBERRY_LABELS.app]: spec.app,
        [BLUEBERRY_LABELS.role]: 'environment',
        [BLUEBERRY_LABELS.type]: spec.type,
        [BLUEBERRY_LABELS.owner]: ownerLabelValue(spec.owner)!,
      };
      if (spec.pullRequest !== undefined)
        expectedLabels[BLUEBERRY_LABELS.pullRequest] = String(spec.pullRequest);
      for (const object of objects) {
        for (const [label, value] of Object.entries(expectedLabels))
          assert.equal(
            object.metadata.labels?.[label],
            value,
            `${key(object)} lacks ${label}=${value}`,
          );
        assert.ok(
          object.metadata.namespace === undefined ||
            object.metadata.namespace === namespace,
          `${key(object)} is in namespace ${object.metadata.namespace}`,
        );
      }

      let ingresses = 0;
      for (const component of spec.components) {
        const own = await componentObjects(spec, component);
        assert.ok(own.length > 0, `${component.name} rendered nothing`);
        const reference = helmChartReference(component.chart);
        const chart = `${reference.name}-${reference.version}`;
        for (const part of own) {
          const object = byKey.get(key(part));
          assert.ok(object, `${key(part)} is missing from the environment`);
          const wave = waveOf(object);
          const kind = object.kind as string;
          let image = '';
          let host = '';
          if (kind === 'ConfigMap') assert.equal(wave, 0, `${key(object)}`);
          if (['Deployment', 'StatefulSet', 'Service'].includes(kind))
            assert.equal(
              wave,
              waveOfRole(component.role),
              `${key(object)} of a ${component.role}`,
            );
          if (kind === 'Deployment' || kind === 'StatefulSet') {
            const containers = object.spec.template.spec.containers;
            image = containers.map((c: KubeObject) => c.image).join(', ');
            if (component.role !== 'database') {
              for (const container of containers)
                assert.equal(
                  container.image,
                  component.image,
                  `${key(object)} container ${container.name}`,
                );
              assert.match(image, /@sha256:[0-9a-f]{64}$/);
            }
          }
          if (kind === 'Ingress') {
            ingresses += 1;
            assert.equal(wave, INGRESS_WAVE, key(object));
            const hosts: string[] = object.spec.rules.map(
              (r: KubeObject) => r.host,
            );
            host = hosts.join(', ');
            assert.deepEqual(hosts, [component.host], key(object));
            for (const h of hosts) {
              const owner = `${spec.name}/${component.name}`;
              assert.ok(
                !hostsSeen.has(h) || hostsSeen.get(h) === owner,
                `host ${h} of ${owner} is also ${hostsSeen.get(h)}'s`,
              );
              hostsSeen.set(h, owner);
            }
          }
          assert.equal(
            object.metadata.annotations?.[SYNC_WAVE_ANNOTATION] ?? '0',
            String(wave),
          );
          table.push([
            spec.name,
            chart,
            key(object),
            String(wave),
            image,
            host,
          ]);
        }
      }
      assert.equal(
        ingresses,
        spec.components.filter(c => c.host).length,
        'one Ingress per component with a host',
      );
    });
  }
});
