import type { BackendFeature } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import eventsPlugin from '@backstage/plugin-events-backend';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import {
  git,
  initGitopsRepository,
  LocalGitopsRepository,
  renderEnvironment,
  writeRenderedFiles,
} from '@blueberry-idp/plugin-blueberry-node';
import type { EnvironmentSpec } from '@blueberry-idp/plugin-blueberry-common';
import scaffolderModuleBlueberry from '@blueberry-idp/plugin-scaffolder-backend-module-blueberry';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import yaml from 'yaml';
import { blueberryModuleMergeRequestEvents } from '../module';
import {
  GITHUB_SECRET,
  GITLAB_SECRET,
  githubHeaders,
  gitlabHeaders,
} from './payloads';

export const RENDER = {
  gitops: {
    repoURL: 'https://gitlab.example.com/platform/gitops.git',
    targetRevision: 'main',
    // The shop's charts, and chart repositories on loopback (the template's 127.0.0.1:7081).
    sourceRepos: [
      'https://charts.example.com/*',
      'oci://registry.example.com/shop/charts/*',
      'registry.example.com/shop/charts',
      'http://127.0.0.1:*',
    ],
  },
};

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

/** A temporary directory with a real GitOps repository in it. */
export async function createGitopsRepository() {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'blueberry-mr-'));
  const repoPath = path.join(root, 'gitops');
  await initGitopsRepository({
    path: repoPath,
    branch: 'main',
    render: RENDER,
  });
  return {
    root,
    repoPath,
    /** Commits an environment rendered by the real renderer, as the template would. */
    async add(spec: EnvironmentSpec) {
      const repository = await LocalGitopsRepository.open({
        path: repoPath,
        branch: 'main',
        render: RENDER,
      });
      const workspace = path.join(root, `ws-${spec.name}`);
      await writeRenderedFiles(workspace, renderEnvironment(spec, RENDER));
      await repository.commitEnvironment({
        environment: spec.name,
        sourceDir: path.join(workspace, 'environments', spec.name),
        update: false,
        message: `blueberry: create environment ${spec.name}`,
      });
    },
    async environments() {
      return (
        await git(repoPath, [
          'ls-tree',
          '-d',
          '--name-only',
          'HEAD',
          'environments/',
        ])
      ).stdout
        .split('\n')
        .filter(Boolean)
        .map(line => line.replace(/^environments\//, ''));
    },
    async commitCount() {
      return Number(
        (await git(repoPath, ['rev-list', '--count', 'HEAD'])).stdout.trim(),
      );
    },
    async lastMessage() {
      return (await git(repoPath, ['log', '-1', '--format=%B'])).stdout.trim();
    },
    async files(name: string) {
      return (
        await git(repoPath, [
          'ls-tree',
          '-r',
          '--name-only',
          'HEAD',
          `environments/${name}/`,
        ])
      ).stdout
        .split('\n')
        .filter(Boolean)
        .map(line => line.slice(`environments/${name}/`.length));
    },
    async application(name: string) {
      const shown = await git(repoPath, [
        'show',
        `HEAD:environments/${name}/application.yaml`,
      ]);
      return yaml.parse(shown.stdout);
    },
    remove: () => fs.rm(root, { recursive: true, force: true }),
  };
}

export async function readTemplate(name: string) {
  const file = path.resolve(
    __dirname,
    '../../../../templates',
    name,
    'template.yaml',
  );
  const template = yaml.parse(await fs.readFile(file, 'utf8'));
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
 * "Create environment" template, and this module, on a real local GitOps repository.
 */
export async function startMergeRequestBackend(options: {
  workDir: string;
  /** The local GitOps repository. */
  repoPath?: string;
  /** Or the GitOps repository on GitLab: `blueberry.gitops.gitlab` and its integration. */
  gitlab?: { apiBaseUrl: string; token: string; project: string };
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
    [key: string]: unknown;
  };
}) {
  const { blueberry: extraBlueberry, ...extraTopLevel } =
    options.extraConfig ?? {};
  const gitops = options.gitlab
    ? {
        gitlab: { host: 'gitlab.example.com', project: options.gitlab.project },
      }
    : { local: { path: options.repoPath, branch: 'main' } };
  const integrations = options.gitlab
    ? {
        gitlab: [
          {
            host: 'gitlab.example.com',
            apiBaseUrl: options.gitlab.apiBaseUrl,
            token: options.gitlab.token,
          },
        ],
      }
    : {};
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
          backend: { workingDirectory: options.workDir },
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
              repoURL: RENDER.gitops.repoURL,
              sourceRepos: RENDER.gitops.sourceRepos,
              ...gitops,
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
