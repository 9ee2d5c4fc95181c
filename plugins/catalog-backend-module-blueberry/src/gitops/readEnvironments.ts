import {
  APPLICATION_FILE,
  ComponentRole,
  ENVIRONMENTS_DIR,
  labelValueProblem,
  nameProblem,
} from '@blueberry-idp/plugin-blueberry-common';
import { parse } from 'yaml';

/**
 * A file of the GitOps repository as committed: its repository path and its text.
 *
 * @public
 */
export interface GitopsFile {
  path: string;
  content: string;
}

// The files the catalog reads of an environment's folder: its Application and its components'
// values files (`components/<c>/values.yaml`; `values/<c>.yaml` in repositories written before
// the Kustomize layout).
const ENVIRONMENT_FILE = new RegExp(
  `^${ENVIRONMENTS_DIR}/[^/]+/(${APPLICATION_FILE.replace(
    '.',
    '\\.',
  )}|values/[^/]+\\.yaml|components/[^/]+/values\\.yaml)$`,
);

/** Whether the catalog reads this file of an environment's folder. */
export function isEnvironmentFile(repositoryPath: string): boolean {
  return ENVIRONMENT_FILE.test(repositoryPath);
}

/**
 * One component an environment deploys, as its values file's `blueberry:` block says.
 *
 * @public
 */
export interface GitopsComponent {
  name: string;
  role?: ComponentRole;
  /** Preview host, for components with an Ingress. */
  host?: string;
}

/**
 * One environment as committed to the GitOps repository.
 *
 * @public
 */
export interface GitopsEnvironment {
  /** The directory name, which is also the Application's name (its namespace follows the pattern). */
  name: string;
  /** The repository path of its Application, `environments/<env>/application.yaml`. */
  applicationPath: string;
  /** Namespace of the Application in Argo CD (for deep links). */
  argocdNamespace?: string;
  /** The Application's `blueberry.io/*` labels. */
  labels: Record<string, string>;
  /** The Application's `blueberry.io/*` annotations. */
  annotations: Record<string, string>;
  /** Sorted by name. */
  components: GitopsComponent[];
}

/**
 * The environments of a GitOps tree, and what was wrong with the ones that could not be read.
 *
 * @public
 */
export interface ReadEnvironmentsResult {
  environments: GitopsEnvironment[];
  problems: string[];
}

const BLUEBERRY_PREFIX = 'blueberry.io/';
const ROLES: ReadonlySet<string> = new Set(['database', 'backend', 'frontend']);

/**
 * Turns the committed files into environments. Lenient per environment: one directory that does not
 * parse is reported in `problems` and left out, and the others are still read, so one bad commit
 * never empties the catalog.
 *
 * @public
 */
export function readEnvironments(files: GitopsFile[]): ReadEnvironmentsResult {
  const byEnvironment = new Map<
    string,
    { application?: GitopsFile; values: GitopsFile[] }
  >();
  for (const file of files) {
    const [, environment, ...rest] = file.path.split('/');
    const entry = byEnvironment.get(environment) ?? { values: [] };
    if (rest.length === 1 && rest[0] === APPLICATION_FILE) {
      entry.application = file;
    } else {
      entry.values.push(file);
    }
    byEnvironment.set(environment, entry);
  }

  const environments: GitopsEnvironment[] = [];
  const problems: string[] = [];
  for (const [name, { application, values }] of byEnvironment) {
    const dir = `${ENVIRONMENTS_DIR}/${name}`;
    if (!application) {
      problems.push(`${dir} has no ${APPLICATION_FILE}`);
      continue;
    }
    try {
      environments.push(readEnvironment(name, application, values));
    } catch (error) {
      problems.push(`${dir}: ${(error as Error).message}`);
    }
  }
  environments.sort((a, b) => (a.name < b.name ? -1 : 1));
  return { environments, problems };
}

function readEnvironment(
  name: string,
  application: GitopsFile,
  values: GitopsFile[],
): GitopsEnvironment {
  const nameRule = nameProblem(name);
  if (nameRule) throw new Error(`environment name '${name}' ${nameRule}`);

  const app = asRecord(parse(application.content), APPLICATION_FILE);
  if (app.kind !== 'Application') {
    throw new Error(`${APPLICATION_FILE} is not an Argo CD Application`);
  }
  const metadata = asRecord(app.metadata ?? {}, 'metadata');
  if (metadata.name !== name) {
    throw new Error(
      `the Application is named '${String(
        metadata.name,
      )}', not like its directory '${name}'`,
    );
  }

  const components = new Map<string, GitopsComponent>();
  // The Application's Helm sources name every component (release name = component name) ...
  const spec = asRecord(app.spec ?? {}, 'spec');
  const sources = Array.isArray(spec.sources) ? spec.sources : [spec.source];
  for (const source of sources) {
    const releaseName = (source as any)?.helm?.releaseName;
    if (typeof releaseName === 'string' && !nameProblem(releaseName)) {
      components.set(releaseName, { name: releaseName });
    }
  }
  // ... and each values file's `blueberry:` block adds its role and preview host.
  for (const file of values) {
    const block = (parse(blueberryBlockText(file.content)) as any)?.blueberry;
    const component = block?.component;
    if (typeof component !== 'string' || nameProblem(component)) continue;
    components.set(component, {
      name: component,
      role: ROLES.has(block.role) ? block.role : undefined,
      host:
        typeof block.host === 'string' && block.host ? block.host : undefined,
    });
  }

  return {
    name,
    applicationPath: application.path,
    argocdNamespace:
      typeof metadata.namespace === 'string' ? metadata.namespace : undefined,
    labels: blueberryEntries(metadata.labels, true),
    annotations: blueberryEntries(metadata.annotations, false),
    components: [...components.values()].sort((a, b) =>
      a.name < b.name ? -1 : 1,
    ),
  };
}

/**
 * The `blueberry:` block of a values file without the rest: the block is all the catalog reads, and
 * parsing only it makes a refresh several times faster. Falls back to the whole file when the block
 * is not a plain top-level mapping.
 */
export function blueberryBlockText(content: string): string {
  const start = content.search(/^blueberry:[ \t]*$/m);
  if (start < 0) return content;
  const rest = content.slice(start);
  // The block ends at the next line that starts a top-level key (not indented, not a comment).
  const end = rest.slice(1).search(/\n[^\s#]/);
  return end < 0 ? rest : rest.slice(0, end + 1);
}

/** The `blueberry.io/*` string entries of a labels or annotations map; labels must be label-safe. */
function blueberryEntries(
  map: unknown,
  labelSafe: boolean,
): Record<string, string> {
  const entries: Record<string, string> = {};
  if (!map || typeof map !== 'object') return entries;
  for (const [key, value] of Object.entries(map)) {
    if (!key.startsWith(BLUEBERRY_PREFIX) || value === null) continue;
    const text = String(value);
    if (labelSafe && labelValueProblem(text)) continue;
    entries[key] = text;
  }
  return entries;
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${what} is not a YAML mapping`);
  }
  return value as Record<string, unknown>;
}
