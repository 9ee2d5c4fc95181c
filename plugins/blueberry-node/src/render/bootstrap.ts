import {
  APPLICATION_FILE,
  ARGOCD_CM_PATH,
  BLUEBERRY_LABELS,
  ENVIRONMENTS_DIR,
  ENVIRONMENTS_PROJECT_PATH,
  namespacePatternGlob,
  ROOT_APPLICATION_NAME,
  ROOT_APPLICATION_PATH,
  ROOT_PROJECT_NAME,
  ROOT_PROJECT_PATH,
} from '@blueberry-idp/plugin-blueberry-common';
import {
  RenderedFile,
  RenderOptions,
  resolveArgoCdOptions,
  resolveNamespacePattern,
} from './types';
import { KUBERNETES_KEY_ORDER, toGeneratedYaml } from './yaml';

/**
 * The AppProject environments render into (never `default`, which permits everything): sources the
 * GitOps repository and `blueberry.gitops.sourceRepos`; destinations only the namespaces of the
 * namespace pattern on the configured cluster; cluster-scoped objects only Namespaces of that
 * pattern (Argo CD >= 3.3 matches `name` in `clusterResourceWhitelist`), so a chart's
 * ClusterRoleBinding, or a Namespace named `kube-system`, is refused at sync with "resource X:Y is
 * not permitted in project ...". Namespaced kinds stay open: they can only land in the environment's
 * own namespace.
 */
export function renderEnvironmentsProject(options: RenderOptions): object {
  const argocd = resolveArgoCdOptions(options);
  const namespaces = namespacePatternGlob(resolveNamespacePattern(options));
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: argocd.project, namespace: argocd.namespace },
    spec: {
      description:
        "Blueberry's environments: their own namespaces, their Namespace as the only cluster-scoped object, charts from the allowed repositories",
      sourceRepos: [
        ...new Set([
          options.gitops.repoURL,
          ...(options.gitops.sourceRepos ?? []),
        ]),
      ],
      destinations: [
        { server: argocd.destinationServer, namespace: namespaces },
      ],
      clusterResourceWhitelist: [
        { group: '', kind: 'Namespace', name: namespaces },
      ],
    },
  };
}

/**
 * The root Application's own AppProject. The root makes Application objects in Argo CD's namespace,
 * so its project must allow that destination; the environments' project must not (an environment
 * could then deploy into Argo CD's namespace), hence two projects. This one allows only the GitOps
 * repository, only Argo CD's namespace, only the `Application` kind and nothing cluster-scoped: a
 * file under `environments/` that is not an Application is refused.
 */
export function renderRootProject(options: RenderOptions): object {
  const argocd = resolveArgoCdOptions(options);
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: ROOT_PROJECT_NAME, namespace: argocd.namespace },
    spec: {
      description:
        "Blueberry's root Application: one child Application per environment, in Argo CD's namespace",
      sourceRepos: [options.gitops.repoURL],
      destinations: [
        { server: argocd.destinationServer, namespace: argocd.namespace },
      ],
      clusterResourceWhitelist: [],
      namespaceResourceWhitelist: [
        { group: 'argoproj.io', kind: 'Application' },
      ],
    },
  };
}

/**
 * The root Application (app-of-apps): one directory source over `environments/`, recursing but taking
 * only each environment's `application.yaml`, so that a new environment is a new directory and no
 * shared file changes. `allowEmpty` lets Argo CD prune the last environment when it goes.
 *
 * @public
 */
export function renderRootApplication(options: RenderOptions): object {
  const argocd = resolveArgoCdOptions(options);
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: ROOT_APPLICATION_NAME,
      namespace: argocd.namespace,
      labels: { [BLUEBERRY_LABELS.role]: 'root' },
    },
    spec: {
      project: ROOT_PROJECT_NAME,
      destination: {
        server: argocd.destinationServer,
        namespace: argocd.namespace,
      },
      source: {
        repoURL: options.gitops.repoURL,
        targetRevision: options.gitops.targetRevision,
        path: ENVIRONMENTS_DIR,
        directory: { recurse: true, include: `*/${APPLICATION_FILE}` },
      },
      syncPolicy: {
        automated: { prune: true, selfHeal: true, allowEmpty: true },
      },
    },
  };
}

/**
 * argocd-cm `kustomize.buildOptions`: each environment's kustomization inflates its charts with
 * `helmCharts`, which Kustomize runs only with `--enable-helm` (without it Argo CD's render fails).
 *
 * @public
 */
export const KUSTOMIZE_BUILD_OPTIONS = '--enable-helm';

/**
 * Argo CD 1.8 removed the health check of `argoproj.io/Application`, so a parent no longer waits for
 * its children in sync waves. This Lua check (from Argo CD's upgrade notes) restores it. Together
 * with the Kustomize build options, it is a fragment of `argocd-cm` to merge into the existing ConfigMap (kustomize patch or Helm values
 * `configs.cm`), not to apply over it.
 */
const APPLICATION_HEALTH_LUA = `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil then
  if obj.status.health ~= nil then
    hs.status = obj.status.health.status
    if obj.status.health.message ~= nil then
      hs.message = obj.status.health.message
    end
  end
end
return hs
`;

/** @public */
export function renderArgoCdConfig(options: RenderOptions): object {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'argocd-cm',
      namespace: resolveArgoCdOptions(options).namespace,
      labels: {
        'app.kubernetes.io/name': 'argocd-cm',
        'app.kubernetes.io/part-of': 'argocd',
      },
    },
    data: {
      'kustomize.buildOptions': KUSTOMIZE_BUILD_OPTIONS,
      'resource.customizations.health.argoproj.io_Application':
        APPLICATION_HEALTH_LUA,
    },
  };
}

/**
 * A placeholder so `environments/` exists (Git keeps no empty folders) before the first one.
 *
 * @public
 */
export const ENVIRONMENTS_KEEP_PATH = `${ENVIRONMENTS_DIR}/.gitkeep`;

/**
 * The files a GitOps repository needs once, before any environment: sorted by path.
 *
 * @public
 */
export function renderBootstrapFiles(options: RenderOptions): RenderedFile[] {
  const files: RenderedFile[] = [
    {
      path: ARGOCD_CM_PATH,
      content: toGeneratedYaml(
        renderArgoCdConfig(options),
        KUBERNETES_KEY_ORDER,
      ),
    },
    {
      path: ENVIRONMENTS_PROJECT_PATH,
      content: toGeneratedYaml(
        renderEnvironmentsProject(options),
        KUBERNETES_KEY_ORDER,
      ),
    },
    {
      path: ROOT_APPLICATION_PATH,
      content: toGeneratedYaml(
        renderRootApplication(options),
        KUBERNETES_KEY_ORDER,
      ),
    },
    {
      path: ROOT_PROJECT_PATH,
      content: toGeneratedYaml(
        renderRootProject(options),
        KUBERNETES_KEY_ORDER,
      ),
    },
    { path: ENVIRONMENTS_KEEP_PATH, content: '' },
  ];
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}
