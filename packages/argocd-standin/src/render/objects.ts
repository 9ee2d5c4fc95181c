import { parseAllDocuments } from 'yaml';
import { SYNC_WAVE_ANNOTATION } from '@blueberry-idp/plugin-blueberry-common';
import { ManagedResource } from '../model/ApplicationRecord';

/** A Kubernetes object as a tool printed it. */
export type KubeObject = Record<string, any>;

/**
 * Kinds that have no namespace. Argo CD asks the cluster's discovery; the stand-in has no cluster,
 * so it knows the built-in ones (and Argo CD's own CRDs are namespaced).
 */
const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PriorityClass',
  'IngressClass',
  'RuntimeClass',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ClusterIssuer',
  'ClusterSecretStore',
]);

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.has(kind);
}

/** The objects of a multi-document YAML stream (empty documents and `List` wrappers handled). */
export function parseObjects(text: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length) throw new Error(document.errors[0].message);
    const value = document.toJS();
    if (!value || typeof value !== 'object') continue;
    if (typeof value.kind === 'string' && value.kind.endsWith('List'))
      objects.push(...(Array.isArray(value.items) ? value.items : []));
    else objects.push(value);
  }
  return objects;
}

/** The sync wave Argo CD reads off an object: its annotation, 0 when absent or not a number. */
export function syncWaveOf(object: KubeObject): number {
  const raw = object.metadata?.annotations?.[SYNC_WAVE_ANNOTATION];
  const wave = Number(raw ?? 0);
  return Number.isInteger(wave) ? wave : 0;
}

/** Every container image of a workload's pod template (or a bare Pod), init containers included. */
export function imagesOf(object: KubeObject): string[] {
  let pod = object.spec?.template?.spec;
  if (object.kind === 'Pod') pod = object.spec;
  if (object.kind === 'CronJob')
    pod = object.spec?.jobTemplate?.spec?.template?.spec;
  const containers = [
    ...(Array.isArray(pod?.initContainers) ? pod.initContainers : []),
    ...(Array.isArray(pod?.containers) ? pod.containers : []),
  ];
  return [
    ...new Set(
      containers
        .map((c: KubeObject) => c?.image)
        .filter((i: unknown): i is string => typeof i === 'string'),
    ),
  ].sort();
}

/** The hosts of an Ingress's rules. */
export function hostsOf(object: KubeObject): string[] {
  if (object.kind !== 'Ingress' || !Array.isArray(object.spec?.rules))
    return [];
  return object.spec.rules
    .map((rule: KubeObject) => rule?.host)
    .filter((h: unknown): h is string => typeof h === 'string' && h !== '');
}

function groupAndVersion(apiVersion: string): {
  group: string;
  version: string;
} {
  const slash = apiVersion.indexOf('/');
  return slash === -1
    ? { group: '', version: apiVersion }
    : {
        group: apiVersion.slice(0, slash),
        version: apiVersion.slice(slash + 1),
      };
}

/**
 * The Application's managed resources, from the rendered objects only: kind, namespace (the
 * destination's for namespaced objects that name none, as `kubectl apply -n` does), wave, images,
 * host. Helm hooks are left out, as Argo CD runs them as hooks rather than managing them. Sorted by
 * wave, kind and name, as Argo CD lists them.
 */
export function managedResourcesFrom(
  objects: KubeObject[],
  destinationNamespace: string,
): ManagedResource[] {
  const resources: ManagedResource[] = [];
  for (const object of objects) {
    if (typeof object.kind !== 'string' || !object.metadata?.name) continue;
    const annotations = object.metadata.annotations ?? {};
    if (annotations['helm.sh/hook'] || annotations['argocd.argoproj.io/hook'])
      continue;
    const { group, version } = groupAndVersion(String(object.apiVersion ?? ''));
    const host = hostsOf(object)[0];
    resources.push({
      group,
      version,
      kind: object.kind,
      namespace: isClusterScoped(object.kind)
        ? ''
        : String(object.metadata.namespace ?? destinationNamespace),
      name: String(object.metadata.name),
      wave: syncWaveOf(object),
      images: imagesOf(object),
      ...(host ? { host } : {}),
    });
  }
  return resources.sort(
    (a, b) =>
      a.wave - b.wave ||
      a.kind.localeCompare(b.kind) ||
      a.name.localeCompare(b.name),
  );
}
