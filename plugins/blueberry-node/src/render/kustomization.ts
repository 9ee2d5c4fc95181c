import {
  ComponentSpec,
  EnvironmentSpec,
  environmentDir,
  INGRESS_WAVE,
  secretManifestPath,
  waveOfRole,
} from '@blueberry-idp/plugin-blueberry-common';
import { helmChartReference } from './chartSource';
import { environmentLabels, waveAnnotation } from './metadata';
import { namespaceOf, RenderOptions } from './types';

/**
 * The Kustomize files that make an environment what Blueberry promises, on charts as they are
 * (README, "How charts come in"): each component's chart is inflated by its own kustomization
 * (`helmCharts`, which needs Argo CD's `--enable-helm`), then patched by kind, so nothing depends on
 * which values a chart happens to offer. The environment's kustomization gathers them with the
 * Namespace and the secret references, puts everything in the environment's namespace and labels
 * every object.
 */

const KUSTOMIZATION = {
  apiVersion: 'kustomize.config.k8s.io/v1beta1',
  kind: 'Kustomization',
} as const;

/** The kinds whose wave is their component's role: the workload and the Service in front of it. */
const ROLE_WAVE_KINDS = 'Deployment|StatefulSet|DaemonSet|Service';
/** Workloads whose first container is the component's image. */
const WORKLOAD_KINDS = 'Deployment|StatefulSet|DaemonSet';

/**
 * `environments/<env>/kustomization.yaml`.
 *
 * @public
 */
export function environmentKustomization(
  spec: EnvironmentSpec,
  options: RenderOptions,
): object {
  return {
    ...KUSTOMIZATION,
    namespace: namespaceOf(spec.name, options),
    resources: [
      'manifests/namespace.yaml',
      ...(spec.secrets ?? [])
        .map(secret => secretManifestPath(spec.name, secret))
        .map(file => file.slice(`${environmentDir(spec.name)}/`.length))
        .sort(),
      ...[...spec.components]
        .map(component => `components/${component.name}`)
        .sort(),
    ],
    // Selectors stay as the charts made them: a label in a selector can never change afterwards.
    labels: [{ pairs: environmentLabels(spec), includeSelectors: false }],
  };
}

/** A strategic-merge patch that sets one annotation on every object the target selects. */
function annotationPatch(annotations: Record<string, string>): string {
  const lines = Object.entries(annotations).map(
    ([key, value]) => `    ${key}: ${JSON.stringify(value)}`,
  );
  // The patch's own kind and name are ignored: the target selects what it applies to.
  return [
    'apiVersion: v1',
    'kind: BlueberryPatch',
    'metadata:',
    '  name: any',
    '  annotations:',
    ...lines,
    '',
  ].join('\n');
}

function jsonPatch(path: string, value: string): string {
  return `- op: replace\n  path: ${path}\n  value: ${JSON.stringify(value)}\n`;
}

/**
 * `environments/<env>/components/<component>/kustomization.yaml`.
 *
 * @public
 */
export function componentKustomization(
  spec: EnvironmentSpec,
  component: ComponentSpec,
  options: RenderOptions,
): object {
  const chart = helmChartReference(component.chart);
  const patches: object[] = [
    {
      target: { kind: ROLE_WAVE_KINDS },
      patch: annotationPatch(waveAnnotation(waveOfRole(component.role))),
    },
  ];
  if (component.image) {
    patches.push({
      target: { kind: WORKLOAD_KINDS },
      patch: jsonPatch(
        '/spec/template/spec/containers/0/image',
        component.image,
      ),
    });
  }
  if (component.host) {
    patches.push(
      {
        target: { kind: 'Ingress' },
        patch: annotationPatch(waveAnnotation(INGRESS_WAVE)),
      },
      {
        target: { kind: 'Ingress' },
        patch: jsonPatch('/spec/rules/0/host', component.host),
      },
    );
  }
  return {
    ...KUSTOMIZATION,
    helmCharts: [
      {
        name: chart.name,
        repo: chart.repo,
        version: chart.version,
        releaseName: component.name,
        namespace: namespaceOf(spec.name, options),
        valuesFile: 'values.yaml',
        // A chart's `helm test` Pods are not part of an environment.
        skipTests: true,
      },
    ],
    patches,
  };
}
