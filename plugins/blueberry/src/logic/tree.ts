import type {
  Environment,
  EnvironmentResource,
  EnvironmentsResponse,
  EnvironmentTreeNode,
  HealthStatus,
  SyncStatus,
} from '@blueberry-idp/plugin-blueberry-common';
import { WAVE_PLAN } from '@blueberry-idp/plugin-blueberry-common';
import { environmentId } from './attention';
import { waveProgress } from './waves';

export type TreeNodeKind =
  | 'root'
  | 'environment'
  | 'wave'
  | 'resource'
  | 'child';

/** A node of the environment tree as the graph draws it. */
export interface TreeNode {
  id: string;
  kind: TreeNodeKind;
  /** The text on the node: "pr-101", "Wave 1 · Backend", "Deployment shop-backend". */
  label: string;
  health?: HealthStatus | null;
  sync?: SyncStatus;
  /** The environment the node belongs to, so a click can select it. */
  environment?: { instance: string; name: string };
  /** A second line for an environment: its wave progress and the GitOps revision it runs. */
  detail?: string;
}

/**
 * "wave 2 of 4 · runs 4f2a9c1": where the environment's waves are (the wave the running or failed
 * sync is on, else how many are done) and the revision Argo CD runs, readable before it is expanded.
 */
export function environmentSummary(environment: Environment): string {
  const waves = waveProgress(environment);
  const current = waves.find(w => w.current);
  const done = waves.filter(w => w.state === 'done').length;
  // Waves count from 0, as Argo CD's sync-wave annotation does: "wave 2 of 3" is the third of four.
  const position = current
    ? `wave ${current.wave} of ${waves[waves.length - 1].wave}`
    : `${done} of ${waves.length} waves done`;
  return environment.revision
    ? `${position} · runs ${environment.revision.slice(0, 7)}`
    : position;
}

export interface TreeEdge {
  from: string;
  to: string;
}

function resourceLabel(r: { kind: string; name: string }): string {
  return `${r.kind} ${r.name}`;
}

function resourceKey(r: {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}) {
  return `${r.group}/${r.kind}/${r.namespace}/${r.name}`;
}

/**
 * The tree root → environments → waves → resources → what Argo CD's tree shows under them. Only
 * `expanded` environments (the selected one) show their waves and resources: fifty environments of
 * fifteen resources each would be a graph nobody can read. `detail`, the selected environment in
 * full, adds the children (replica sets, pods).
 */
export function buildTree(
  response: Pick<EnvironmentsResponse, 'root'>,
  environments: readonly Environment[],
  expanded: { instance: string; name: string } | undefined,
  detail?: Environment,
): { nodes: TreeNode[]; edges: TreeEdge[] } {
  const nodes: TreeNode[] = [];
  const edges: TreeEdge[] = [];
  const rootId = 'root';
  nodes.push({
    id: rootId,
    kind: 'root',
    label: response.root?.application ?? 'blueberry-root',
    health: response.root?.health,
    sync: response.root?.sync,
  });

  for (const listed of environments) {
    const id = `env:${environmentId(listed)}`;
    const isExpanded =
      expanded && environmentId(expanded) === environmentId(listed);
    const environment =
      isExpanded && detail && environmentId(detail) === environmentId(listed)
        ? detail
        : listed;
    const key = { instance: environment.instance, name: environment.name };
    nodes.push({
      id,
      kind: 'environment',
      label: environment.name,
      health: environment.health,
      sync: environment.sync,
      environment: key,
      detail: environmentSummary(environment),
    });
    edges.push({ from: rootId, to: id });
    if (!isExpanded) continue;

    for (const wave of environment.waves) {
      const waveId = `${id}:wave:${wave.wave}`;
      const title = WAVE_PLAN.find(step => step.wave === wave.wave)?.title;
      nodes.push({
        id: waveId,
        kind: 'wave',
        label: title ? `Wave ${wave.wave} · ${title}` : `Wave ${wave.wave}`,
        health: wave.health,
        sync: wave.sync,
        environment: key,
      });
      edges.push({ from: id, to: waveId });
      for (const resource of wave.resources) {
        addResource(resource, waveId, 'resource', key, nodes, edges);
      }
    }
  }
  return { nodes, edges };
}

function addResource(
  resource: EnvironmentResource | EnvironmentTreeNode,
  parentId: string,
  kind: TreeNodeKind,
  environment: { instance: string; name: string },
  nodes: TreeNode[],
  edges: TreeEdge[],
) {
  const id = `${parentId}:${resourceKey(resource)}`;
  nodes.push({
    id,
    kind,
    label: resourceLabel(resource),
    health: resource.health,
    sync: 'sync' in resource ? resource.sync : undefined,
    environment,
  });
  edges.push({ from: parentId, to: id });
  for (const child of resource.children ?? []) {
    addResource(child, id, 'child', environment, nodes, edges);
  }
}

/** Every resource of an environment and everything under it, depth first. */
export function flattenResources(
  environment: Environment,
): Array<EnvironmentResource | EnvironmentTreeNode> {
  const out: Array<EnvironmentResource | EnvironmentTreeNode> = [];
  const visit = (node: EnvironmentResource | EnvironmentTreeNode) => {
    out.push(node);
    node.children?.forEach(visit);
  };
  environment.waves.forEach(wave => wave.resources.forEach(visit));
  return out;
}
