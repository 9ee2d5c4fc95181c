import type { BackendFeature } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
import type { EnvironmentSpec } from '@blueberry-idp/plugin-blueberry-common';
import {
  type RealRegistry,
  REGISTRY_PASSWORD,
  REGISTRY_USER,
  startRealRegistry,
} from '@blueberry-idp/plugin-blueberry-node/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import eventsPlugin from '@backstage/plugin-events-backend';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import scaffolderModuleBlueberry from '@blueberry-idp/plugin-scaffolder-backend-module-blueberry';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import yaml from 'yaml';
import { blueberryModuleMergeRequestEvents } from '../module';
import { serveShopRepository } from './appRepository';
import {
  type GitopsHost,
  type GitopsHostKind,
  gitopsConfig,
  startGitopsHost,
} from './gitopsHost';
import {
  GITHUB_SECRET,
  GITLAB_SECRET,
  githubHeaders,
  gitlabHeaders,
} from './payloads';

/** The shop system, tied to its GitLab project and its GitHub repository. */
export const SHOP = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: {
    name: 'shop',
    namespace: 'default',
    annotations: {
      'blueberry.io/app': 'shop',
      'gitlab.com/project-slug': 'shop/shop',
      'github.com/project-slug': 'acme/shop',
    },
  },
  spec: { owner: 'group:default/team-shop' },
};

/**
 * Components an adopter's "Create environment" form defaults to, for entities without a blueprint
 * (ours leaves them to the blueprint): pinned digests on the embedded default's chart repository.
 */
const FORM_COMPONENTS = [
  {
    name: 'shop-backend',
    role: 'backend',
    image:
      'registry.example.com/shop/backend@sha256:1f0e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
    host: '{component}-{environment}.preview.example.com',
    chart: {
      repoURL: 'http://127.0.0.1:7081',
      chart: 'shop-service',
      targetRevision: '1.4.2',
    },
  },
  {
    name: 'redis',
    role: 'database',
    chart: {
      repoURL: 'http://127.0.0.1:7081',
      chart: 'redis',
      targetRevision: '7.4.2',
    },
  },
  {
    name: 'storefront',
    role: 'frontend',
    image:
      'registry.example.com/shop/storefront@sha256:2a1b0c9d8e7f60514233241506f7e8d9c0b1a2f3e4d5c6b7a8f9e0d1c2b3a4f5',
    host: '{component}-{environment}.preview.example.com',
    chart: {
      repoURL: 'http://127.0.0.1:7081',
      chart: 'web',
      targetRevision: '0.1.0',
    },
  },
];

/**
 * A template of the repository, in the catalog's default namespace. "Create environment" gets
 * FORM_COMPONENTS as its components' default, so entities without a blueprint still get an
 * environment from an event (the module submits the form's defaults, as a user would).
 */
export async function readTemplate(name: string) {
  const file = path.resolve(
    __dirname,
    '../../../../templates',
    name,
    'template.yaml',
  );
  const template = yaml.parse(await fs.readFile(file, 'utf8'));
  for (const step of template.spec.parameters ?? []) {
    if (name === 'create-environment' && step.properties?.components) {
      step.properties.components.default = FORM_COMPONENTS;
    }
  }
  return {
    ...template,
    metadata: { ...template.metadata, namespace: 'default' },
  };
}

/**
 * The modules an events provider package's default export loads. That export is a feature loader
 * using dynamic `import()`, which Jest cannot run (it needs --experimental-vm-modules), so the test
 * loads the same files the loader would; the package's `exports` map hides them from a plain import.
 */
function providerModules(pkg: string, modules: string[]): BackendFeature[] {
  const dist = path.join(
    path.dirname(require.resolve(`${pkg}/package.json`)),
    'dist',
    'service',
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return modules.map(m => require(path.join(dist, `${m}.cjs.js`)).default);
}

/**
 * The real events backend with the GitLab and GitHub modules (webhook ingress with token and
 * signature checks, and their routers), the real scaffolder with Blueberry's actions and the real
 * "Create environment" template, and this module, on the GitOps repository of `host` (local,
 * GitLab or GitHub, by config as in production).
 */
export async function startMergeRequestBackend(options: {
  host: GitopsHost;
  label?: string;
  /** Catalog entities besides the shop and the template. */
  entities?: Entity[];
  /**
   * The chart repository the template's default components come from: the embedded default's
   * (`http://127.0.0.1:7081`, which `scripts/start.sh` serves) replaced by a test's own server.
   */
  chartsUrl?: string;
  /** More features, such as Blueberry's backend plugin and the feedback module. */
  extraFeatures?: BackendFeature[];
  /** More config: top-level keys, and keys of `blueberry` and `blueberry.mergeRequests`. */
  extraConfig?: {
    blueberry?: Record<string, unknown> & {
      mergeRequests?: Record<string, unknown>;
    };
    integrations?: Record<string, JsonObject[]>;
    backend?: Record<string, unknown>;
    [key: string]: unknown;
  };
}) {
  const {
    blueberry: extraBlueberry,
    integrations: extraIntegrations,
    backend: extraBackend,
    ...extraTopLevel
  } = options.extraConfig ?? {};
  // The host's integration entries and the test's (the feedback module's github.com) side by side.
  const integrations: Record<string, JsonObject[]> = {
    ...options.host.config.integrations,
  };
  for (const [kind, entries] of Object.entries(extraIntegrations ?? {})) {
    integrations[kind] = [...(integrations[kind] ?? []), ...entries];
  }
  const workDir = path.join(options.host.root, 'work');
  await fs.mkdir(workDir, { recursive: true });
  const backend = await startTestBackend({
    features: [
      // The real events service: the test backend's default gives each plugin its own, so events
      // would never travel from the events plugin's ingress to the blueberry plugin.
      eventsServiceFactory,
      eventsPlugin,
      ...providerModules('@backstage/plugin-events-backend-module-gitlab', [
        'eventsModuleGitlabWebhook',
        'eventsModuleGitlabEventRouter',
      ]),
      ...providerModules('@backstage/plugin-events-backend-module-github', [
        'eventsModuleGithubWebhook',
        'eventsModuleGithubEventRouter',
      ]),
      scaffolderPlugin,
      scaffolderModuleBlueberry,
      blueberryModuleMergeRequestEvents,
      ...(options.extraFeatures ?? []),
      catalogServiceMock.factory({
        entities: [
          SHOP,
          ...(options.entities ?? []),
          options.chartsUrl
            ? JSON.parse(
                JSON.stringify(
                  await readTemplate('create-environment'),
                ).replaceAll('http://127.0.0.1:7081', options.chartsUrl),
              )
            : await readTemplate('create-environment'),
        ],
      }),
      mockServices.rootConfig.factory({
        data: {
          backend: {
            workingDirectory: workDir,
            ...(extraBackend as object | undefined),
          },
          events: {
            // One process: events travel on the in-process bus. The events backend's bus (for
            // several replicas) holds a long poll open that would delay each stop by a minute.
            useEventBus: 'never',
            modules: {
              gitlab: { webhookSecret: GITLAB_SECRET },
              github: { webhookSecret: GITHUB_SECRET },
            },
          },
          integrations,
          ...extraTopLevel,
          blueberry: {
            gitops: {
              ...gitopsConfig(options.host.config.gitops),
              // Without chartsUrl nothing serves the template's chart repository (127.0.0.1:7081):
              // the create action's chart check would refuse every environment.
              ...(options.chartsUrl ? {} : { checkCharts: false }),
            },
            ...extraBlueberry,
            mergeRequests: {
              ...(options.label ? { label: options.label } : {}),
              ...extraBlueberry?.mergeRequests,
            },
          },
        },
      }),
    ],
  });
  return {
    server: backend.server,
    stop: () => backend.stop(),
    /** POSTs a GitLab webhook delivery to the events backend's HTTP ingress. */
    gitlab: (payload: unknown, token?: string) =>
      request(backend.server)
        .post('/api/events/http/gitlab')
        .set(gitlabHeaders(token))
        .send(JSON.stringify(payload)),
    /** POSTs a GitHub webhook delivery, signed as GitHub signs it. */
    github: (payload: unknown, secret?: string) => {
      const body = JSON.stringify(payload);
      return request(backend.server)
        .post('/api/events/http/github')
        .set(githubHeaders(body, secret))
        .send(body);
    },
  };
}

/**
 * What most of this module's suites start: the GitOps repository on `host`, the backend of
 * startMergeRequestBackend on it, and with `shopRepository`, Debian's real registry (htpasswd on)
 * and the example shop's repository (its blueprint and value files) served over HTTP for the
 * entities `entities` makes. `deliver` posts a webhook and says what it changed.
 */
export async function startMergeRequestWorld(options: {
  /** Where the GitOps repository lives (default local), or one a test started (then stopped here). */
  host?: GitopsHostKind | GitopsHost;
  /** Environments on the followed branch before the backend starts. */
  specs?: EnvironmentSpec[];
  label?: string;
  /** With the shop's repository served under `shopRepository` (a folder name). */
  shopRepository?: string;
  /** The catalog entities besides the shop; given the shop repository's URL when served. */
  entities?: (shopUrl: string | undefined) => Entity[];
  chartsUrl?: string;
  extraFeatures?: BackendFeature[];
  extraConfig?: Parameters<typeof startMergeRequestBackend>[0]['extraConfig'];
}) {
  const host =
    typeof options.host === 'object'
      ? options.host
      : await startGitopsHost(options.host ?? 'local', options.specs);
  let registry: RealRegistry | undefined;
  let shop: Awaited<ReturnType<typeof serveShopRepository>> | undefined;
  let backend: Awaited<ReturnType<typeof startMergeRequestBackend>>;
  const stop = async () => {
    await backend?.stop();
    await shop?.stop();
    await registry?.stop();
    const problems = host.problems();
    await host.close();
    if (problems.length) throw new Error(problems.join('\n'));
  };
  try {
    if (options.shopRepository) {
      registry = await startRealRegistry('basic');
      shop = await serveShopRepository(
        path.join(host.root, options.shopRepository),
        registry.host,
      );
    }
    const { extraConfig = {} } = options;
    backend = await startMergeRequestBackend({
      host,
      label: options.label,
      entities: options.entities?.(shop?.url),
      chartsUrl: options.chartsUrl,
      extraFeatures: options.extraFeatures,
      extraConfig:
        shop && registry
          ? {
              ...extraConfig,
              backend: { reading: { allow: [{ host: shop.host }] } },
              blueberry: {
                ...extraConfig.blueberry,
                registries: [
                  {
                    host: registry.host,
                    insecure: true,
                    username: REGISTRY_USER,
                    password: REGISTRY_PASSWORD,
                  },
                ],
              },
            }
          : extraConfig,
    });
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  return {
    host,
    backend,
    /** The real registry (with `shopRepository`). */
    registry: registry!,
    stop,
    /**
     * Delivers a webhook, expects the ingress to accept it, and returns the environments on the
     * followed branch after it and how many commits and merge/pull requests it made.
     */
    async deliver(
      provider: 'gitlab' | 'github',
      payload: unknown,
    ): Promise<{ environments: string[]; newCommits: number }> {
      const before = await host.changesMade();
      const response = await backend[provider](payload);
      expect(response.status).toBe(202);
      return {
        environments: await host.environments(),
        newCommits: (await host.changesMade()) - before,
      };
    },
  };
}
