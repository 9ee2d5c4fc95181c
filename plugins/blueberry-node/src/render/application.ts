import {
  componentValuesPath,
  EnvironmentSpec,
  environmentManifestsDir,
  RESOURCES_FINALIZER,
} from '@blueberry-idp/plugin-blueberry-common';
import { environmentAnnotations, environmentLabels } from './metadata';
import { RenderOptions, resolveArgoCdOptions } from './types';

/** The name of the source that gives the charts their values files from the GitOps repository. */
export const VALUES_REF = 'values';

/**
 * The child Application of one environment. One Helm source per component (release name = component
 * name, so one chart can serve several components), a `ref` source on the GitOps repository that the
 * value files come from, and a directory source for the managed Namespace.
 */
export function renderApplication(
  spec: EnvironmentSpec,
  options: RenderOptions,
): object {
  const argocd = resolveArgoCdOptions(options);
  const labels = environmentLabels(spec);
  const annotations = environmentAnnotations(spec);
  const components = [...spec.components].sort((a, b) =>
    a.name < b.name ? -1 : 1,
  );

  const chartSources = components.map(component => ({
    repoURL: component.chart.repoURL,
    chart: component.chart.chart,
    path: component.chart.path,
    targetRevision: component.chart.targetRevision,
    helm: {
      releaseName: component.name,
      valueFiles: [
        `$${VALUES_REF}/${componentValuesPath(spec.name, component.name)}`,
      ],
    },
  }));

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
      destination: { server: argocd.destinationServer, namespace: spec.name },
      sources: [
        {
          repoURL: options.gitops.repoURL,
          targetRevision: options.gitops.targetRevision,
          ref: VALUES_REF,
        },
        ...chartSources,
        {
          repoURL: options.gitops.repoURL,
          targetRevision: options.gitops.targetRevision,
          path: environmentManifestsDir(spec.name),
        },
      ],
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['CreateNamespace=true'],
        managedNamespaceMetadata: {
          labels,
          ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
        },
      },
    },
  };
}
