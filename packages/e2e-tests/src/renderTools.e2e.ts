/*
 * The render tools Argo CD's repo-server runs, as scripts/setup.sh builds them: helm and kustomize on
 * PATH are the versions pinned in scripts/tool-versions.sh, and a chart made by the real `helm create`
 * renders the objects every environment relies on.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from './harness';

function pinnedVersions(): Record<string, string> {
  const text = fs.readFileSync(
    path.join(repoRoot, 'scripts/tool-versions.sh'),
    'utf8',
  );
  return Object.fromEntries(
    [...text.matchAll(/^([A-Z_]+)=(\S+)$/gm)].map(m => [m[1], m[2]]),
  );
}

function run(command: string, args: string[], cwd?: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8' });
}

function renderedKinds(manifests: string): string[] {
  return parseAllDocuments(manifests)
    .map(document => document.toJS())
    .filter(object => object?.kind)
    .map(object => `${object.kind}/${object.metadata.name}`);
}

describe('render tools', () => {
  const versions = pinnedVersions();
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blueberry-helm-'));
    run('helm', ['create', 'demo'], dir);
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('helm on PATH is the pinned version', () => {
    assert.equal(
      run('helm', ['version', '--template', '{{.Version}}']),
      versions.HELM_VERSION,
    );
  });

  it('kustomize on PATH is the pinned version', () => {
    assert.equal(
      run('kustomize', ['version']).trim(),
      versions.KUSTOMIZE_VERSION,
    );
  });

  it('helm template of a helm create chart renders a Deployment and a Service', () => {
    const kinds = renderedKinds(
      run('helm', ['template', 'web', './demo'], dir),
    );
    assert.ok(kinds.includes('Deployment/web-demo'), kinds.join(', '));
    assert.ok(kinds.includes('Service/web-demo'), kinds.join(', '));
    assert.ok(
      !kinds.some(kind => kind.startsWith('Ingress/')),
      kinds.join(', '),
    );
  });

  it('with ingress.enabled=true the same chart renders an Ingress', () => {
    const kinds = renderedKinds(
      run(
        'helm',
        ['template', 'web', './demo', '--set', 'ingress.enabled=true'],
        dir,
      ),
    );
    assert.ok(kinds.includes('Ingress/web-demo'), kinds.join(', '));
  });

  it('kustomize build inflates that chart through helmCharts, as Argo CD runs it with --enable-helm', () => {
    fs.writeFileSync(
      path.join(dir, 'kustomization.yaml'),
      [
        'helmGlobals:',
        '  chartHome: .',
        'helmCharts:',
        '  - name: demo',
        '    releaseName: web',
        '    valuesInline:',
        '      ingress:',
        '        enabled: true',
        '',
      ].join('\n'),
    );
    const kinds = renderedKinds(
      run('kustomize', ['build', '--enable-helm', '.'], dir),
    );
    for (const kind of [
      'Deployment/web-demo',
      'Service/web-demo',
      'Ingress/web-demo',
    ]) {
      assert.ok(
        kinds.includes(kind),
        `${kind} missing from ${kinds.join(', ')}`,
      );
    }
  });
});
