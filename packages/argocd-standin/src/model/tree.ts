import { ApplicationRecord, LiveResource } from './ApplicationRecord';
import {
  ApplicationTree,
  ResourceDiff,
  ResourceNode,
  ResourceRef,
} from './argoTypes';
import { podSuffix, stableUid } from './ids';

/** The address the imagined ingress controller publishes. */
const INGRESS_ADDRESS = '192.0.2.10';
const NODE_NAME = 'standin-node-1';

/**
 * The Application's resource tree as Argo CD's `/resource-tree` serves it: the live managed resources
 * plus what Kubernetes makes under them (ReplicaSets and Pods under Deployments, Pods and
 * ControllerRevisions under StatefulSets, Endpoints and EndpointSlices under Services), joined by
 * `parentRefs`. Tree nodes carry no sync wave; clients join them to `status.resources`.
 */
export function resourceTree(
  record: ApplicationRecord,
  withholdIngressAddresses: boolean,
): ApplicationTree {
  const nodes: ResourceNode[] = [];
  for (const resource of record.resources) {
    if (!resource.exists) continue;
    const node = managedNode(resource, withholdIngressAddresses);
    nodes.push(node);
    nodes.push(...childNodes(resource, node));
  }
  nodes.sort(
    (a, b) =>
      a.group.localeCompare(b.group) ||
      a.kind.localeCompare(b.kind) ||
      a.namespace.localeCompare(b.namespace) ||
      a.name.localeCompare(b.name),
  );
  const tree: ApplicationTree = { nodes };
  if (nodes.some(n => n.kind === 'Pod')) {
    tree.hosts = [
      {
        name: NODE_NAME,
        labels: { 'kubernetes.io/hostname': NODE_NAME },
        resourcesInfo: [],
        systemInfo: { architecture: 'amd64', operatingSystem: 'linux' },
      },
    ];
  }
  return tree;
}

function refOf(resource: LiveResource): ResourceRef {
  return {
    group: resource.group,
    version: resource.version,
    kind: resource.kind,
    namespace: resource.namespace,
    name: resource.name,
    uid: resource.uid,
  };
}

function managedNode(
  resource: LiveResource,
  withholdIngressAddresses: boolean,
): ResourceNode {
  const node: ResourceNode = {
    ...refOf(resource),
    resourceVersion: String(resource.generation),
    createdAt: resource.createdAt ?? '',
  };
  if (resource.health) node.health = { ...resource.health };
  if (resource.kind === 'Ingress') {
    const published =
      resource.health?.status === 'Healthy' && !withholdIngressAddresses;
    node.networkingInfo = {
      targetRefs: [
        {
          group: '',
          kind: 'Service',
          namespace: resource.namespace,
          name: resource.name,
        },
      ],
      ...(resource.host ? { externalURLs: [`https://${resource.host}`] } : {}),
      ...(published ? { ingress: [{ ip: INGRESS_ADDRESS }] } : {}),
    };
  }
  if (resource.kind === 'Service') {
    node.networkingInfo = {
      targetLabels: { 'app.kubernetes.io/instance': resource.name },
    };
  }
  if (resource.kind === 'Deployment' || resource.kind === 'StatefulSet') {
    if (resource.images.length) node.images = resource.images;
  }
  return node;
}

function childNodes(
  resource: LiveResource,
  parent: ResourceNode,
): ResourceNode[] {
  const parentRef: ResourceRef = {
    group: parent.group,
    version: parent.version,
    kind: parent.kind,
    namespace: parent.namespace,
    name: parent.name,
    uid: parent.uid,
  };
  const seed = `${resource.namespace}/${resource.kind}/${resource.name}/${resource.generation}`;
  const child = (
    group: string,
    version: string,
    kind: string,
    name: string,
    parentRefs: ResourceRef[],
  ): ResourceNode => ({
    group,
    version,
    kind,
    namespace: resource.namespace,
    name,
    uid: stableUid(seed, kind, name),
    parentRefs,
    resourceVersion: String(resource.generation),
    createdAt: resource.createdAt ?? '',
  });
  const podHealth =
    resource.health?.status === 'Healthy' ? 'Healthy' : 'Progressing';
  const pod = (name: string, owner: ResourceRef): ResourceNode => ({
    ...child('', 'v1', 'Pod', name, [owner]),
    health: { status: podHealth === 'Healthy' ? 'Healthy' : 'Progressing' },
    info: [
      {
        name: 'Status Reason',
        value: podHealth === 'Healthy' ? 'Running' : 'ContainerCreating',
      },
      { name: 'Node', value: NODE_NAME },
      { name: 'Containers', value: podHealth === 'Healthy' ? '1/1' : '0/1' },
    ],
    networkingInfo: { labels: { 'app.kubernetes.io/instance': resource.name } },
    ...(resource.images.length ? { images: resource.images } : {}),
  });

  switch (resource.kind) {
    case 'Deployment': {
      const rsName = `${resource.name}-${podSuffix(10, seed, 'rs')}`;
      const rs: ResourceNode = {
        ...child('apps', 'v1', 'ReplicaSet', rsName, [parentRef]),
        health: { status: podHealth },
        info: [{ name: 'Revision', value: `Rev:${resource.generation}` }],
      };
      return [
        rs,
        pod(`${rsName}-${podSuffix(5, seed, 'pod')}`, refFromNode(rs)),
      ];
    }
    case 'StatefulSet': {
      const revision = child(
        'apps',
        'v1',
        'ControllerRevision',
        `${resource.name}-${podSuffix(10, seed, 'cr')}`,
        [parentRef],
      );
      return [revision, pod(`${resource.name}-0`, parentRef)];
    }
    case 'Service': {
      const endpoints = child('', 'v1', 'Endpoints', resource.name, [
        parentRef,
      ]);
      const slice = child(
        'discovery.k8s.io',
        'v1',
        'EndpointSlice',
        `${resource.name}-${podSuffix(5, seed, 'eps')}`,
        [parentRef],
      );
      return [endpoints, slice];
    }
    default:
      return [];
  }
}

function refFromNode(node: ResourceNode): ResourceRef {
  return {
    group: node.group,
    version: node.version,
    kind: node.kind,
    namespace: node.namespace,
    name: node.name,
    uid: node.uid,
  };
}

/** The target manifest the stand-in imagines each resource's chart renders. */
function targetManifest(
  application: string,
  resource: LiveResource,
): Record<string, unknown> {
  const apiVersion = resource.group
    ? `${resource.group}/${resource.version}`
    : resource.version;
  const metadata: Record<string, unknown> = {
    name: resource.name,
    ...(resource.namespace ? { namespace: resource.namespace } : {}),
    labels: {
      'app.kubernetes.io/instance': resource.component ?? resource.name,
      'blueberry.io/environment': application,
    },
    annotations: {
      'argocd.argoproj.io/sync-wave': String(resource.wave),
      'argocd.argoproj.io/tracking-id': `${application}:${resource.group}/${resource.kind}:${resource.namespace}/${resource.name}`,
    },
  };
  const manifest: Record<string, unknown> = {
    apiVersion,
    kind: resource.kind,
    metadata,
  };
  if (resource.kind === 'Deployment' || resource.kind === 'StatefulSet') {
    manifest.spec = {
      replicas: 1,
      template: {
        spec: {
          containers: resource.images.map((image, i) => ({
            name: i ? `c${i}` : resource.name,
            image,
          })),
        },
      },
    };
  } else if (resource.kind === 'Ingress' && resource.host) {
    manifest.spec = {
      rules: [
        {
          host: resource.host,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: {
                  service: { name: resource.name, port: { number: 80 } },
                },
              },
            ],
          },
        },
      ],
    };
  }
  return manifest;
}

/** `/managed-resources`: target and live state of each managed resource, as JSON strings. */
export function managedResources(record: ApplicationRecord): ResourceDiff[] {
  return record.resources.map(resource => {
    const targetObject = targetManifest(record.name, resource);
    const target = JSON.stringify(targetObject);
    const liveObject = resource.editedLive
      ? editedByHand(targetObject)
      : targetObject;
    const live = resource.exists
      ? JSON.stringify({
          ...liveObject,
          metadata: {
            ...(liveObject.metadata as object),
            uid: resource.uid,
            resourceVersion: String(resource.generation),
            creationTimestamp: resource.createdAt,
          },
        })
      : 'null';
    const diff: ResourceDiff = {
      group: resource.group,
      kind: resource.kind,
      namespace: resource.namespace,
      name: resource.name,
      targetState: target,
      liveState: live,
      normalizedLiveState: live,
      predictedLiveState: target,
      hook: false,
      modified: resource.sync !== 'Synced',
    };
    if (resource.exists) diff.resourceVersion = String(resource.generation);
    return diff;
  });
}

/** What a hand edit (the driftedResources knob) does: a workload scaled, anything else relabelled. */
function editedByHand(
  manifest: Record<string, unknown>,
): Record<string, unknown> {
  const metadata = manifest.metadata as Record<string, unknown>;
  if (manifest.spec && typeof manifest.spec === 'object') {
    const spec = manifest.spec as Record<string, unknown>;
    if ('replicas' in spec)
      return { ...manifest, spec: { ...spec, replicas: 3 } };
  }
  return {
    ...manifest,
    metadata: {
      ...metadata,
      labels: {
        ...(metadata.labels as Record<string, string>),
        'edited-by': 'kubectl',
      },
    },
  };
}
