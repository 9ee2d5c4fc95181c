import {
  argoCdGlobMatch,
  globToRegExp,
  isSourcePermitted,
} from '@blueberry-idp/plugin-blueberry-common';
import { ManagedResource } from './ApplicationRecord';

/**
 * AppProjects as Argo CD's application controller enforces them (Argo CD 3.5: util/argo
 * ValidatePermissions before comparing; controller/sync.go validateSyncPermissions on every object
 * before a sync applies anything). The stand-in reads them from the GitOps repository's bootstrap,
 * as the operator applies it; `default` is Argo CD's own, permitting everything, unless the
 * repository defines one of that name.
 */

export interface GroupKind {
  group: string;
  kind: string;
  /** Cluster-scoped lists only (Argo CD >= 3.3): a filepath.Match glob over the object's name. */
  name?: string;
}

export interface AppProjectSpec {
  sourceRepos?: string[];
  destinations?: { server?: string; name?: string; namespace?: string }[];
  clusterResourceWhitelist?: GroupKind[];
  clusterResourceBlacklist?: GroupKind[];
  namespaceResourceWhitelist?: GroupKind[];
  namespaceResourceBlacklist?: GroupKind[];
}

export interface AppProject {
  name: string;
  spec: AppProjectSpec;
}

/** The project Argo CD creates itself: any source, any destination, any kind. */
export const DEFAULT_PROJECT: AppProject = {
  name: 'default',
  spec: {
    sourceRepos: ['*'],
    destinations: [{ server: '*', namespace: '*' }],
    clusterResourceWhitelist: [{ group: '*', kind: '*' }],
  },
};

/** An AppProject manifest, or undefined when the object is not one. */
export function appProjectFrom(raw: unknown): AppProject | undefined {
  const object = raw as Record<string, any> | null;
  if (!object || object.kind !== 'AppProject' || !object.metadata?.name)
    return undefined;
  return {
    name: String(object.metadata.name),
    spec: object.spec && typeof object.spec === 'object' ? object.spec : {},
  };
}

/** Go's filepath.Match over names without "/": `*`, `?`, `[...]`. */
function filepathMatch(pattern: string, value: string): boolean {
  return globToRegExp(pattern.replace(/[{}]/g, '\\$&'), '/').test(value);
}

function inList(
  resource: { group: string; kind: string; name: string },
  list: GroupKind[],
  withName: boolean,
): boolean {
  return list.some(
    item =>
      filepathMatch(item.kind, resource.kind) &&
      filepathMatch(item.group, resource.group) &&
      (!withName || !item.name || filepathMatch(item.name, resource.name)),
  );
}

/** IsGroupKindNamePermitted: an empty cluster whitelist permits nothing, an absent namespaced one all. */
export function isGroupKindPermitted(
  project: AppProject,
  resource: { group: string; kind: string; name: string },
  namespaced: boolean,
): boolean {
  const spec = project.spec;
  if (namespaced) {
    const white = spec.namespaceResourceWhitelist;
    const black = spec.namespaceResourceBlacklist ?? [];
    const whitelisted =
      white === undefined ||
      white === null ||
      (white.length > 0 && inList(resource, white, false));
    return whitelisted && !(black.length > 0 && inList(resource, black, false));
  }
  const white = spec.clusterResourceWhitelist ?? [];
  const black = spec.clusterResourceBlacklist ?? [];
  return (
    white.length > 0 &&
    inList(resource, white, true) &&
    !(black.length > 0 && inList(resource, black, true))
  );
}

/** isDestinationMatched, with deny patterns (`!ns`) refusing outright. */
export function isDestinationPermitted(
  project: AppProject,
  server: string,
  namespace: string,
): boolean {
  let matchedAny = false;
  for (const item of project.spec.destinations ?? []) {
    // As Argo CD: an Application without a server matches no server pattern, not even `*`.
    const serverMatched =
      server !== '' &&
      argoCdGlobMatch(item.server ?? '', server, { allowNegation: true });
    const namespaceMatched = argoCdGlobMatch(item.namespace ?? '', namespace, {
      allowNegation: true,
    });
    if (serverMatched && namespaceMatched) matchedAny = true;
    else if (
      !serverMatched &&
      (item.server ?? '').startsWith('!') &&
      namespaceMatched
    )
      return false;
    else if (
      !namespaceMatched &&
      (item.namespace ?? '').startsWith('!') &&
      serverMatched
    )
      return false;
  }
  return matchedAny;
}

/** What an Application's spec names: its project, sources and destination. */
interface ApplicationSpecView {
  project?: string;
  source?: { repoURL?: string };
  sources?: { repoURL?: string }[];
  destination?: { server?: string; name?: string; namespace?: string };
}

/**
 * Argo CD's InvalidSpecError conditions for an Application against its project, with Argo CD's
 * messages; empty when it may be compared and synced.
 */
export function invalidSpecErrors(
  spec: ApplicationSpecView,
  projects: ReadonlyMap<string, AppProject>,
): string[] {
  const projectName = spec.project || 'default';
  const project = projects.get(projectName);
  if (!project)
    return [
      `Application referencing project ${projectName} which does not exist`,
    ];
  const errors: string[] = [];
  const sources = Array.isArray(spec.sources)
    ? spec.sources
    : [spec.source ?? {}];
  for (const source of sources) {
    const repoURL = source?.repoURL ?? '';
    if (!isSourcePermitted(project.spec.sourceRepos ?? [], repoURL))
      errors.push(
        `application repo ${repoURL} is not permitted in project '${project.name}'`,
      );
  }
  const server = spec.destination?.server ?? '';
  const namespace = spec.destination?.namespace ?? '';
  if (!isDestinationPermitted(project, server, namespace))
    errors.push(
      `application destination server '${server}' and namespace '${namespace}' do not match any of the allowed destinations in project '${project.name}'`,
    );
  return errors;
}

/** A rendered object the sync would refuse to apply, with Argo CD's message. */
export interface SyncRefusal {
  resource: ManagedResource;
  message: string;
}

/**
 * validateSyncPermissions over every object of a sync: a kind the project does not permit, or a
 * namespaced object outside the project's destinations. Any refusal fails the whole operation
 * before anything is applied.
 */
export function syncRefusals(
  resources: ManagedResource[],
  project: AppProject,
  server: string,
): SyncRefusal[] {
  const refusals: SyncRefusal[] = [];
  for (const resource of resources) {
    const namespaced = resource.namespace !== '';
    if (!isGroupKindPermitted(project, resource, namespaced)) {
      refusals.push({
        resource,
        message: `resource ${resource.group}:${resource.kind} is not permitted in project ${project.name}`,
      });
    } else if (
      namespaced &&
      !isDestinationPermitted(project, server, resource.namespace)
    ) {
      refusals.push({
        resource,
        message: `namespace ${resource.namespace} is not permitted in project '${project.name}'`,
      });
    }
  }
  return refusals;
}
