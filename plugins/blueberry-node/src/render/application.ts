import {
  EnvironmentSpec,
  environmentDir,
  RESOURCES_FINALIZER,
} from '@blueberry-idp/plugin-blueberry-common';
import { environmentAnnotations, environmentLabels } from './metadata';
import { namespaceOf, RenderOptions, resolveArgoCdOptions } from './types';

/**
 * How Argo CD retries a sync that failed (a chart repository down, a webhook refusing an object):
 * five more times, 10 s, 20 s, 40 s, 80 s, then 160 s capped at 3 minutes, so a broken environment
 * stops hammering the cluster after about five minutes.
 *
 * @public
 */
export const SYNC_RETRY = {
  limit: 5,
  backoff: { duration: '10s', factor: 2, maxDuration: '3m' },
} as const;

/**
 * The child Application of one environment: one Kustomize source, the environment's directory in the
 * GitOps repository (its kustomization inflates every component's chart). No `CreateNamespace`: the
 * Namespace is a managed wave-0 manifest, which Argo CD applies before anything else and deletes
 * with the Application (a namespace made only by `CreateNamespace=true` survives it, Argo CD #4435),
 * and `managedNamespaceMetadata` would only repeat the labels that manifest already carries (where
 * both exist, Argo CD lets the manifest win). Its project is the environments' AppProject of the
 * bootstrap, which permits only the environments' namespaces and, cluster-wide, only their Namespace.
 *
 * @public
 */
export function renderApplication(
  spec: EnvironmentSpec,
  options: RenderOptions,
): object {
  const argocd = resolveArgoCdOptions(options);
  const labels = environmentLabels(spec);
  const annotations = environmentAnnotations(spec);
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: spec.name,
      namespace: argocd.namespace,
      labels,
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      // Deleting the Application deletes what it made, the Namespace included.
      finalizers: [RESOURCES_FINALIZER],
    },
    spec: {
      project: argocd.project,
      // The environment's namespace under the configured pattern, never its bare name (README, "Tenancy").
      destination: {
        server: argocd.destinationServer,
        namespace: namespaceOf(spec.name, options),
      },
      source: {
        repoURL: options.gitops.repoURL,
        targetRevision: options.gitops.targetRevision,
        path: environmentDir(spec.name),
      },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        retry: SYNC_RETRY,
      },
    },
  };
}
