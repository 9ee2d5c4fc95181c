import { createHash } from 'node:crypto';
import { parse, parseAllDocuments } from 'yaml';
import {
  BLUEBERRY_LABELS,
  ROOT_APPLICATION_NAME,
  SYNC_WAVE_ANNOTATION,
} from '@blueberry-idp/plugin-blueberry-common';
import {
  ApplicationManifest,
  ManagedResource,
} from '../model/ApplicationRecord';
import {
  AppProject,
  appProjectFrom,
  DEFAULT_PROJECT,
  invalidSpecErrors,
  SyncRefusal,
  syncRefusals,
} from '../model/appProject';
import { ManifestRenderer } from '../render/ManifestRenderer';
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
  /** Why its sources could not be rendered, as Argo CD's ComparisonError says it. */
  problems: string[];
  /** Why its project refuses its spec (InvalidSpecError): then it is neither rendered nor synced. */
  specErrors: string[];
  /** Rendered objects its project does not permit: a sync fails before applying anything. */
  refusals: SyncRefusal[];
}

/** What one commit of the GitOps repository holds. */
export interface GitOpsSnapshot {
  commit: string;
  root: { manifest?: ApplicationManifest; digest: string };
  environments: Map<string, EnvironmentDefinition>;
}

/** Every file of an environment's directory: any of them may feed its render. */
const ENVIRONMENT_FILE = /^environments\/([^/]+)\/.+$/;

/** Reads a commit of the GitOps repository in the layout of DESIGN section 3, rendering each environment. */
export async function readGitOpsSnapshot(
  repo: GitRepository,
  commit: string,
  renderer: ManifestRenderer,
): Promise<GitOpsSnapshot> {
  const entries = await repo.listFiles(commit, ['bootstrap', 'environments']);
  const contents = await repo.readBlobs(entries.map(e => e.blob));
  const byEnvironment = new Map<string, { path: string; blob: string }[]>();
  let root: GitOpsSnapshot['root'] = { digest: '' };
  const projects = new Map<string, AppProject>([
    [DEFAULT_PROJECT.name, DEFAULT_PROJECT],
  ]);
  const projectBlobs: string[] = [];
  for (const entry of entries) {
    if (
      entry.path.startsWith('bootstrap/') &&
      /\.ya?ml$/.test(entry.path) &&
      readProjects(contents.get(entry.blob) ?? '', projects)
    )
      projectBlobs.push(entry.blob);
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
    if (!definition) continue;
    // A change of the projects is a change of every environment, as Argo CD refreshes on it.
    if (projectBlobs.length)
      definition.digest = createHash('sha1')
        .update([definition.digest, ...projectBlobs].join('\0'))
        .digest('hex');
    const spec = definition.manifest.spec as Record<string, any>;
    definition.specErrors = invalidSpecErrors(spec, projects);
    if (definition.specErrors.length === 0) {
      const rendered = await renderer.render(
        definition.name,
        definition.manifest,
        commit,
        definition.digest,
      );
      definition.resources = rendered.resources;
      definition.problems = rendered.problems;
      definition.refusals = syncRefusals(
        rendered.resources,
        projects.get(spec.project || 'default')!,
        String(spec.destination?.server ?? ''),
      );
    }
    environments.set(definition.name, definition);
  }
  return { commit, root, environments };
}

/**
 * One environment directory's files (paths from the repository root) as an environment, its
 * resources not yet rendered. The digest covers every file of the directory: Argo CD caches a
 * source's manifests by revision, and a change to any file is a new render and a new sync.
 */
export function readEnvironmentFiles(
  directory: string,
  files: { path: string; content: string }[],
): EnvironmentDefinition | undefined {
  const applicationFile = files.find(
    f => f.path === `environments/${directory}/application.yaml`,
  );
  // A directory without application.yaml is not picked up by the root's `include: */application.yaml`.
  if (!applicationFile) return undefined;
  let manifest: ApplicationManifest;
  let raw: Record<string, any>;
  try {
    raw = parse(applicationFile.content) ?? {};
    manifest = toManifest(raw);
  } catch {
    return undefined;
  }
  const name = String(raw?.metadata?.name ?? directory);
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
    resources: [],
    wave: Number.isFinite(wave) ? wave : 0,
    digest,
    problems: [],
    specErrors: [],
    refusals: [],
  };
}

/**
 * The AppProjects of one bootstrap file (as the operator applies `bootstrap/`), added to `projects`;
 * whether it held any. An unreadable file holds none.
 */
function readProjects(
  text: string,
  projects: Map<string, AppProject>,
): boolean {
  let found = false;
  try {
    for (const document of parseAllDocuments(text)) {
      const project = appProjectFrom(document.toJS());
      if (project) {
        projects.set(project.name, project);
        found = true;
      }
    }
  } catch {
    return found;
  }
  return found;
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
