import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import {
  BLUEBERRY_LABELS,
  COMPONENT_ROLES,
  ComponentRole,
  ComponentValuesBlock,
  ROOT_APPLICATION_NAME,
  SYNC_WAVE_ANNOTATION,
  expectedResources,
} from '@blueberry-idp/plugin-blueberry-common';
import {
  ApplicationManifest,
  ManagedResource,
} from '../model/ApplicationRecord';
import { GitRepository } from './GitRepository';

/** An environment as its directory in the GitOps repository describes it. */
export interface EnvironmentDefinition {
  name: string;
  manifest: ApplicationManifest;
  resources: ManagedResource[];
  /** The child Application's own sync wave within the root (its sync-wave annotation). */
  wave: number;
  /** Digest of every file of the environment: a change means a new sync. */
  digest: string;
  /** Why a file could not be read, as Argo CD's ComparisonError would say it. */
  problems: string[];
}

/** What one commit of the GitOps repository holds. */
export interface GitOpsSnapshot {
  commit: string;
  root: { manifest?: ApplicationManifest; digest: string };
  environments: Map<string, EnvironmentDefinition>;
}

const ENVIRONMENT_FILE =
  /^environments\/([^/]+)\/(application\.yaml|values\/([^/]+)\.ya?ml|manifests\/.+)$/;

/** Reads a commit of the GitOps repository in the layout of DESIGN section 3. */
export async function readGitOpsSnapshot(
  repo: GitRepository,
  commit: string,
): Promise<GitOpsSnapshot> {
  const entries = await repo.listFiles(commit, ['bootstrap', 'environments']);
  const contents = await repo.readBlobs(entries.map(e => e.blob));
  const byEnvironment = new Map<string, { path: string; blob: string }[]>();
  let root: GitOpsSnapshot['root'] = { digest: '' };
  for (const entry of entries) {
    if (entry.path === 'bootstrap/root-application.yaml') {
      try {
        root = {
          manifest: toManifest(parse(contents.get(entry.blob) ?? '')),
          digest: entry.blob,
        };
      } catch {
        // An unreadable root manifest: keep the synthesised root, as the stand-in must stay up.
        root = { digest: entry.blob };
      }
      continue;
    }
    const match = ENVIRONMENT_FILE.exec(entry.path);
    if (!match) continue;
    const files = byEnvironment.get(match[1]) ?? [];
    files.push(entry);
    byEnvironment.set(match[1], files);
  }
  const environments = new Map<string, EnvironmentDefinition>();
  for (const [directory, files] of byEnvironment) {
    const definition = readEnvironmentFiles(
      directory,
      files.map(f => ({ path: f.path, content: contents.get(f.blob) ?? '' })),
    );
    if (definition) environments.set(definition.name, definition);
  }
  return { commit, root, environments };
}

/** One environment directory's files (paths from the repository root) as an environment. */
export function readEnvironmentFiles(
  directory: string,
  files: { path: string; content: string }[],
): EnvironmentDefinition | undefined {
  const applicationFile = files.find(
    f => f.path === `environments/${directory}/application.yaml`,
  );
  // A directory without application.yaml is not picked up by the root's `include: */application.yaml`.
  if (!applicationFile) return undefined;
  const problems: string[] = [];
  let manifest: ApplicationManifest;
  let raw: Record<string, any>;
  try {
    raw = parse(applicationFile.content) ?? {};
    manifest = toManifest(raw);
  } catch {
    return undefined;
  }
  const name = String(raw?.metadata?.name ?? directory);
  const components: Array<
    Pick<ComponentValuesBlock, 'component' | 'role' | 'host'>
  > = [];
  const images = new Map<string, string[]>();
  for (const file of files) {
    if (!/\/values\/[^/]+\.ya?ml$/.test(file.path)) continue;
    try {
      const values = parse(file.content) ?? {};
      const block = values.blueberry as
        | Partial<ComponentValuesBlock>
        | undefined;
      if (
        !block ||
        typeof block.component !== 'string' ||
        !COMPONENT_ROLES.includes(block.role as ComponentRole)
      ) {
        problems.push(
          `${file.path}: no valid top-level blueberry: block (component, role)`,
        );
        continue;
      }
      components.push({
        component: block.component,
        role: block.role as ComponentRole,
        ...(typeof block.host === 'string' && block.host
          ? { host: block.host }
          : {}),
      });
      const { blueberry: _block, ...rest } = values;
      images.set(block.component, findImages(rest));
    } catch (error) {
      problems.push(`${file.path}: ${(error as Error).message}`);
    }
  }
  const resources = managedResourcesOf(
    name,
    components.map(c => ({ ...c, images: images.get(c.component) ?? [] })),
  );
  const digest = createHash('sha1')
    .update(
      files
        .map(f => `${f.path}\0${f.content}`)
        .sort()
        .join('\0\0'),
    )
    .digest('hex');
  const wave = Number(manifest.annotations[SYNC_WAVE_ANNOTATION] ?? 0);
  return {
    name,
    manifest,
    resources,
    wave: Number.isFinite(wave) ? wave : 0,
    digest,
    problems,
  };
}

/** What an environment's components imply (expectedResources), with their images and hosts. */
export function managedResourcesOf(
  environment: string,
  components: Array<
    Pick<ComponentValuesBlock, 'component' | 'role' | 'host'> & {
      images: string[];
    }
  >,
): ManagedResource[] {
  const sorted = [...components].sort((a, b) =>
    a.component.localeCompare(b.component),
  );
  return expectedResources(environment, sorted).map(r => {
    const component = sorted.find(c => c.component === r.component);
    const isWorkload = r.kind === 'Deployment' || r.kind === 'StatefulSet';
    return {
      ...r,
      images: isWorkload && component ? component.images : [],
      ...(r.kind === 'Ingress' && component?.host
        ? { host: component.host }
        : {}),
    };
  });
}

/** Images a values file pins: strings with a digest, or `{repository, digest}` objects. */
export function findImages(values: unknown): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (/^[^\s@]+@sha256:[0-9a-f]{64}$/.test(value)) found.add(value);
    } else if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (value && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      if (
        typeof o.repository === 'string' &&
        typeof o.digest === 'string' &&
        o.digest.startsWith('sha256:')
      ) {
        found.add(
          `${o.registry ? `${o.registry}/` : ''}${o.repository}@${o.digest}`,
        );
      }
      Object.values(o).forEach(visit);
    }
  };
  visit(values);
  return [...found].sort();
}

function stringMap(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, String(v)]),
  );
}

/** The parts of an Application manifest Argo CD keeps on the live object. */
export function toManifest(raw: any): ApplicationManifest {
  if (!raw || typeof raw !== 'object' || raw.kind !== 'Application') {
    throw new Error('not an argoproj.io Application');
  }
  return {
    labels: stringMap(raw.metadata?.labels),
    annotations: stringMap(raw.metadata?.annotations),
    finalizers: Array.isArray(raw.metadata?.finalizers)
      ? raw.metadata.finalizers.map(String)
      : [],
    spec: raw.spec && typeof raw.spec === 'object' ? raw.spec : {},
  };
}

/** The root app-of-apps when bootstrap/root-application.yaml is not (yet) committed. */
export function synthesisedRootManifest(
  repoURL: string,
  branch: string,
): ApplicationManifest {
  return {
    labels: { [BLUEBERRY_LABELS.role]: 'root' },
    annotations: {},
    finalizers: [],
    spec: {
      project: 'default',
      source: {
        repoURL,
        targetRevision: branch,
        path: 'environments',
        directory: { recurse: true, include: '*/application.yaml' },
      },
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: 'argocd',
      },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    },
  };
}

export { ROOT_APPLICATION_NAME };
