/* eslint-disable no-script-url -- hostile javascript: URLs are the input under test */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { ArgoApplication } from '../argocd/types';
import { buildEnvironment, buildRootSummary } from './environmentTree';

const sharedDir =
  process.env.BLUEBERRY_SHARED_DIR ??
  path.resolve(__dirname, '../../../../../shared');

function fixture(name: string): ArgoApplication {
  return YAML.parse(
    fs.readFileSync(path.join(sharedDir, 'argocd/fixtures', name), 'utf8'),
  );
}

const observedAt = '2026-01-01T00:00:00.000Z';

describe('buildEnvironment with the real Argo CD fixtures', () => {
  it('puts both wave-0 resources of the diff-cache Application into one healthy, synced wave', () => {
    const app = fixture('application-with-status.diff-cache.yaml');
    const env = buildEnvironment(
      { instance: 'prod', application: app, observedAt, stale: false },
      { uiUrl: 'https://argocd.example.com/' },
    );
    expect(env.name).toBe('velero-test');
    expect(env.health).toBe('Healthy');
    expect(env.sync).toBe('Synced');
    expect(env.waves).toEqual([
      {
        wave: 0,
        health: 'Healthy',
        sync: 'Synced',
        resources: [
          {
            group: 'apps',
            kind: 'Deployment',
            namespace: 'test-lla',
            name: 'test-lla',
            health: 'Healthy',
            sync: 'Synced',
          },
          {
            group: '',
            kind: 'Service',
            namespace: 'test-lla',
            name: 'test-lla',
            health: 'Healthy',
            sync: 'Synced',
          },
        ],
      },
    ]);
    expect(env.operation).toEqual({ phase: 'Succeeded', wave: null });
    expect(env.revision).toBe('rev1');
    expect(env.syncedAt).toBe('2024-03-05T07:33:04Z');
    expect(env.argocdUrl).toBe(
      'https://argocd.example.com/applications/argo-cd/velero-test',
    );
    expect(env.expiresAt).toBeNull();
    expect(env.urls).toEqual([]);
    expect(env.stale).toBe(false);
    expect(env.observedAt).toBe(observedAt);
  });

  it('gives the status-less app-of-apps child Unknown health and sync, and no waves', () => {
    const app = fixture('app-of-apps-child-application.live.yaml');
    const env = buildEnvironment(
      { instance: 'prod', application: app, observedAt, stale: true },
      { uiUrl: null },
    );
    expect(env).toMatchObject({
      name: 'argo-workflows',
      health: 'Unknown',
      sync: 'Unknown',
      operation: null,
      waves: [],
      argocdUrl: null,
      stale: true,
    });
    expect(
      buildRootSummary({
        instance: 'prod',
        application: app,
        observedAt,
        stale: false,
      }),
    ).toEqual({
      instance: 'prod',
      application: 'argo-workflows',
      health: 'Unknown',
      sync: 'Unknown',
    });
  });
});

describe('buildEnvironment mid-sync', () => {
  const app: ArgoApplication = {
    metadata: {
      name: 'pr-7',
      namespace: 'argocd',
      labels: {
        'blueberry.io/environment': 'pr-7',
        'blueberry.io/role': 'environment',
        'blueberry.io/app': 'shop',
      },
      annotations: {
        'blueberry.io/expires-at': '2026-02-01T00:00:00Z',
        'blueberry.io/merge-request':
          'https://gitlab.example.com/shop/-/merge_requests/7',
      },
    },
    status: {
      health: { status: 'Progressing' },
      sync: { status: 'OutOfSync', revision: 'abc' },
      operationState: { phase: 'Running', startedAt: '2026-01-01T00:00:00Z' },
      summary: { externalURLs: ['https://pr-7.shop.example.com'] },
      resources: [
        {
          kind: 'Namespace',
          name: 'pr-7',
          version: 'v1',
          status: 'Synced',
          health: { status: 'Healthy' },
        },
        {
          kind: 'ConfigMap',
          namespace: 'pr-7',
          name: 'shop-backend',
          version: 'v1',
          status: 'Synced',
        },
        {
          group: 'apps',
          kind: 'Deployment',
          namespace: 'pr-7',
          name: 'shop-backend',
          status: 'Synced',
          health: { status: 'Progressing' },
          syncWave: 1,
        },
        {
          kind: 'Service',
          namespace: 'pr-7',
          name: 'shop-backend',
          status: 'Synced',
          syncWave: 1,
        },
        {
          group: 'apps',
          kind: 'Deployment',
          namespace: 'pr-7',
          name: 'storefront',
          status: 'OutOfSync',
          health: { status: 'Missing' },
          syncWave: 2,
        },
        {
          group: 'networking.k8s.io',
          kind: 'Ingress',
          namespace: 'pr-7',
          name: 'storefront',
          status: 'OutOfSync',
          health: { status: 'Missing' },
          syncWave: 3,
        },
      ],
    },
  };

  it('passes on only http(s) URLs from externalURLs and the merge request annotation', () => {
    const hostile: ArgoApplication = {
      ...app,
      metadata: {
        ...app.metadata,
        annotations: { 'blueberry.io/merge-request': 'javascript:alert(1)' },
      },
      status: {
        ...app.status,
        summary: {
          externalURLs: [
            'javascript:alert(document.cookie)',
            'data:text/html,<script>alert(1)</script>',
            'https://pr-7.shop.example.com',
          ],
        },
      },
    };
    const env = buildEnvironment(
      { instance: 'local', application: hostile, observedAt, stale: false },
      { uiUrl: 'http://localhost:7080' },
    );
    expect(env.urls).toEqual(['https://pr-7.shop.example.com']);
    expect(env.mergeRequestUrl).toBeNull();
  });

  it('reads the commit the environment runs, only a full SHA', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    const withCommit = (commit: string) =>
      buildEnvironment(
        {
          instance: 'local',
          application: {
            ...app,
            metadata: {
              ...app.metadata,
              annotations: {
                ...app.metadata?.annotations,
                'blueberry.io/commit': commit,
              },
            },
          },
          observedAt,
          stale: false,
        },
        { uiUrl: 'http://localhost:7080' },
      ).commit;
    expect(withCommit(sha)).toBe(sha);
    expect(withCommit('<script>')).toBeNull();
    expect(
      buildEnvironment(
        { instance: 'local', application: app, observedAt, stale: false },
        { uiUrl: 'http://localhost:7080' },
      ).commit,
    ).toBeNull();
  });

  it('groups resources by wave, takes the worst health and names the lowest unfinished wave', () => {
    const env = buildEnvironment(
      { instance: 'local', application: app, observedAt, stale: false },
      { uiUrl: 'http://localhost:7080' },
    );
    expect(
      env.waves.map(w => [w.wave, w.health, w.sync, w.resources.length]),
    ).toEqual([
      [0, 'Healthy', 'Synced', 2],
      [1, 'Progressing', 'Synced', 2],
      [2, 'Missing', 'OutOfSync', 1],
      [3, 'Missing', 'OutOfSync', 1],
    ]);
    expect(env.operation).toEqual({ phase: 'Running', wave: 1 });
    expect(env.expiresAt).toBe('2026-02-01T00:00:00Z');
    expect(env.mergeRequestUrl).toBe(
      'https://gitlab.example.com/shop/-/merge_requests/7',
    );
    expect(env.urls).toEqual(['https://pr-7.shop.example.com']);
    expect(env.waves[1].resources[0]).toMatchObject({
      kind: 'Deployment',
      component: 'shop-backend',
    });
    expect(
      env.waves[0].resources.find(r => r.kind === 'Namespace')?.component,
    ).toBeUndefined();
  });

  it('says plainly that an Ingress waits for an address', () => {
    const waiting = structuredClone(app);
    waiting.status!.resources![5] = {
      ...waiting.status!.resources![5],
      status: 'Synced',
      health: { status: 'Progressing' },
    };
    const env = buildEnvironment(
      { instance: 'local', application: waiting, observedAt, stale: false },
      { uiUrl: null },
    );
    expect(env.waves[3].resources[0].message).toMatch(/publish an address/);
  });

  it('adds replica sets and pods from the resource tree, and fills health the 3.x list lacks', () => {
    const bare = structuredClone(app);
    delete bare.status!.resources![2].health;
    const env = buildEnvironment(
      { instance: 'local', application: bare, observedAt, stale: false },
      {
        uiUrl: null,
        tree: {
          nodes: [
            {
              group: 'apps',
              kind: 'Deployment',
              namespace: 'pr-7',
              name: 'shop-backend',
              uid: 'd1',
              health: { status: 'Healthy' },
            },
            {
              group: 'apps',
              kind: 'ReplicaSet',
              namespace: 'pr-7',
              name: 'shop-backend-5d8',
              uid: 'r1',
              health: { status: 'Healthy' },
              parentRefs: [{ uid: 'd1' }],
            },
            {
              kind: 'Pod',
              namespace: 'pr-7',
              name: 'shop-backend-5d8-x',
              uid: 'p1',
              health: { status: 'Healthy' },
              images: ['shop@sha256:1'],
              parentRefs: [{ uid: 'r1' }],
            },
          ],
        },
      },
    );
    const deployment = env.waves[1].resources.find(
      r => r.kind === 'Deployment',
    )!;
    expect(deployment.health).toBe('Healthy');
    expect(deployment.children).toEqual([
      {
        group: 'apps',
        kind: 'ReplicaSet',
        namespace: 'pr-7',
        name: 'shop-backend-5d8',
        health: 'Healthy',
        children: [
          {
            group: '',
            kind: 'Pod',
            namespace: 'pr-7',
            name: 'shop-backend-5d8-x',
            health: 'Healthy',
            images: ['shop@sha256:1'],
          },
        ],
      },
    ]);
    expect(env.waves[1].health).toBe('Healthy');
    expect(env.operation?.wave).toBe(2);
  });
});
