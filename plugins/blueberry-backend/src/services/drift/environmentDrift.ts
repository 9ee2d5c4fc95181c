import type {
  DriftedResource,
  EnvironmentDriftResponse,
} from '@blueberry-idp/plugin-blueberry-common';
import { stringify } from 'yaml';
import type { ArgoApplication, ArgoResourceDiff } from '../../argocd/types';
import { unifiedDiff } from './unifiedDiff';

/** Fields the cluster sets on every object: they differ from Git always, and say nothing. */
const CLUSTER_METADATA = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
];

/**
 * The drift of an environment from Argo CD's managed resources: each resource Argo CD marks
 * `modified` that exists both in Git and in the cluster (a resource not applied yet, or a hook, is
 * not drift), with a diff from its target YAML to its normalized live YAML.
 */
export function environmentDrift(
  application: ArgoApplication,
  managed: ArgoResourceDiff[],
): EnvironmentDriftResponse {
  const items: DriftedResource[] = [];
  for (const resource of managed) {
    if (!resource.modified || resource.hook) continue;
    const target = parseState(resource.targetState);
    const live = parseState(resource.normalizedLiveState);
    if (!target || !live) continue;
    const secret = resource.kind === 'Secret';
    const [from, to] = secret ? redactSecrets(target, live) : [target, live];
    items.push({
      group: resource.group ?? '',
      kind: resource.kind ?? '',
      namespace: resource.namespace ?? '',
      name: resource.name ?? '',
      diff: unifiedDiff(toYaml(from), toYaml(to), { from: 'git', to: 'live' }),
    });
  }
  return {
    items,
    selfHeal: application.spec?.syncPolicy?.automated?.selfHeal === true,
  };
}

type KubeObject = Record<string, unknown>;

function parseState(state: string | undefined): KubeObject | undefined {
  if (!state) return undefined;
  const parsed = JSON.parse(state);
  return parsed && typeof parsed === 'object'
    ? (parsed as KubeObject)
    : undefined;
}

function toYaml(object: KubeObject): string {
  const metadata = { ...(object.metadata as KubeObject | undefined) };
  for (const field of CLUSTER_METADATA) delete metadata[field];
  const { status: _status, ...rest } = object;
  return stringify({ ...rest, metadata }, { sortMapEntries: true });
}

/**
 * A Secret's values never leave the backend: each becomes a placeholder, one that says "changed"
 * on the live side where the value differs from Git's, so the diff still shows which key drifted.
 */
function redactSecrets(
  target: KubeObject,
  live: KubeObject,
): [KubeObject, KubeObject] {
  const redactedTarget = { ...target };
  const redactedLive = { ...live };
  for (const field of ['data', 'stringData']) {
    const fromGit = (target[field] ?? {}) as Record<string, unknown>;
    const inCluster = (live[field] ?? {}) as Record<string, unknown>;
    if (field in target)
      redactedTarget[field] = mapValues(fromGit, () => '(redacted)');
    if (field in live)
      redactedLive[field] = mapValues(inCluster, (value, key) =>
        value === fromGit[key] ? '(redacted)' : '(redacted, changed)',
      );
  }
  return [redactedTarget, redactedLive];
}

function mapValues(
  values: Record<string, unknown>,
  map: (value: unknown, key: string) => string,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key, map(value, key)]),
  );
}
