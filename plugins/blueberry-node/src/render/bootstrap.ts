import {
  APPLICATION_FILE,
  ARGOCD_CM_PATH,
  BLUEBERRY_LABELS,
  ENVIRONMENTS_DIR,
  ROOT_APPLICATION_NAME,
  ROOT_APPLICATION_PATH,
} from '@blueberry-idp/plugin-blueberry-common';
import { RenderedFile, RenderOptions, resolveArgoCdOptions } from './types';
import { KUBERNETES_KEY_ORDER, toGeneratedYaml } from './yaml';

/**
 * The root Application (app-of-apps): one directory source over `environments/`, recursing but taking
 * only each environment's `application.yaml`, so that a new environment is a new directory and no
 * shared file changes. `allowEmpty` lets Argo CD prune the last environment when it goes.
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
      project: argocd.project,
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

/** A placeholder so `environments/` exists (Git keeps no empty folders) before the first one. */
export const ENVIRONMENTS_KEEP_PATH = `${ENVIRONMENTS_DIR}/.gitkeep`;

/** The files a GitOps repository needs once, before any environment: sorted by path. */
export function renderBootstrapFiles(options: RenderOptions): RenderedFile[] {
  return [
    {
      path: ARGOCD_CM_PATH,
      content: toGeneratedYaml(
        renderArgoCdConfig(options),
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
    { path: ENVIRONMENTS_KEEP_PATH, content: '' },
  ];
}
