import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { KubeObject, parseObjects } from './objects';
import { runTool } from './tools';

/**
 * One Application's sources rendered as Argo CD's repo-server renders them (reposerver/repository in
 * Argo CD 3.5): an `oci://` repoURL is an OCI artifact whatever `chart` says; a `chart` is a Helm
 * chart from a chart repository (a repoURL without a scheme is an OCI Helm repository, as Argo CD
 * treats one registered with `enableOCI`); anything else is a Git path, rendered as Helm when it holds
 * a Chart.yaml, as Kustomize when it holds a kustomization, else as a directory of manifests.
 * `$<ref>/<path>` value files come from the source whose `ref` is `<ref>`.
 */

export interface ApplicationSource {
  repoURL?: string;
  path?: string;
  chart?: string;
  targetRevision?: string;
  ref?: string;
  name?: string;
  helm?: {
    releaseName?: string;
    valueFiles?: string[];
    values?: string;
    valuesObject?: Record<string, unknown>;
    ignoreMissingValueFiles?: boolean;
    skipCrds?: boolean;
    skipTests?: boolean;
  };
  directory?: { recurse?: boolean; include?: string; exclude?: string };
  kustomize?: Record<string, unknown>;
}

/**
 * A repository as registered in Argo CD (`argocd repo add`, or a repository Secret). Only what the
 * stand-in needs: `insecureOCIForceHttp` reaches an OCI registry over plain HTTP (Helm's
 * `--plain-http`), as Argo CD's repo-server does for a repository so marked.
 */
export interface RepositorySettings {
  /**
   * The URL it is registered with: an `oci://<registry>/<path>` URL, or a Helm OCI repository
   * without scheme (`<registry>/<path>`, Argo CD's `enableOCI`). A source uses the settings of the
   * longest URL its repoURL starts with (a repository, or a credential template's prefix).
   */
  url: string;
  insecureOCIForceHttp?: boolean;
}

export interface RenderContext {
  /** The Application's name (Helm's default release name) and destination namespace. */
  application: string;
  namespace: string;
  /** A local directory holding `revision` of the Git repository at `repoURL`. */
  checkout(repoURL: string, revision: string): Promise<string>;
  /** A scratch directory for pulled charts, removed by the caller. */
  scratch: string;
  /** `kustomize.buildOptions` of argocd-cm, e.g. `--enable-helm`. */
  kustomizeBuildOptions: string[];
  /** The registered repositories' settings. */
  repositories: RepositorySettings[];
}

/** The settings of the longest registered URL `repoURL` starts with, ignoring a trailing "/". */
function settingsFor(
  repoURL: string,
  repositories: RepositorySettings[],
): RepositorySettings | undefined {
  const trimmed = (url: string) => url.replace(/\/+$/, '');
  return repositories
    .filter(r => {
      const url = trimmed(r.url);
      return repoURL === url || repoURL.startsWith(`${url}/`);
    })
    .sort((a, b) => b.url.length - a.url.length)[0];
}

/** Helm's flags for an OCI pull of `repoURL`: `--plain-http` where Argo CD forces HTTP. */
function ociFlags(repoURL: string, context: RenderContext): string[] {
  return settingsFor(repoURL, context.repositories)?.insecureOCIForceHttp
    ? ['--plain-http']
    : [];
}

/** A source that did not render: Argo CD's message for it (the caller adds "source N of M"). */
export class SourceRenderError extends Error {}

/** The objects of every source, or the first failure as Argo CD's ComparisonError words it. */
export async function renderSources(
  sources: ApplicationSource[],
  context: RenderContext,
): Promise<KubeObject[]> {
  const objects: KubeObject[] = [];
  for (const [index, source] of sources.entries()) {
    try {
      objects.push(...(await renderSource(source, sources, context)));
    } catch (error) {
      throw new SourceRenderError(
        `failed to generate manifest for source ${index + 1} of ${
          sources.length
        }: rpc error: code = Unknown desc = ${(error as Error).message}`,
      );
    }
  }
  return objects;
}

async function renderSource(
  source: ApplicationSource,
  all: ApplicationSource[],
  context: RenderContext,
): Promise<KubeObject[]> {
  const repoURL = source.repoURL ?? '';
  const revision = source.targetRevision ?? '';
  if (repoURL.startsWith('oci://')) {
    const root = await pullChart(
      context,
      [repoURL, ...ociFlags(repoURL, context)],
      revision,
    );
    return renderDirectory(source, all, context, inside(root, source.path));
  }
  if (source.chart) {
    const reference = /^[a-z][a-z0-9+.-]*:\/\//i.test(repoURL)
      ? [source.chart, '--repo', repoURL]
      : [
          `oci://${repoURL.replace(/\/+$/, '')}/${source.chart}`,
          ...ociFlags(repoURL.replace(/\/+$/, ''), context),
        ];
    const root = await pullChart(context, reference, revision);
    return renderHelm(source, all, context, root);
  }
  // A ref-only source (values for the others) renders nothing, as in Argo CD.
  if (source.ref && !source.path) return [];
  const checkout = await context.checkout(repoURL, revision || 'HEAD');
  return renderDirectory(source, all, context, inside(checkout, source.path));
}

function inside(root: string, relative: string | undefined): string {
  const resolved = path.resolve(root, relative ?? '.');
  if (resolved !== root && !resolved.startsWith(`${root}${path.sep}`))
    throw new Error(`${relative}: app path is outside the repository`);
  if (!fs.existsSync(resolved))
    throw new Error(`${relative ?? '.'}: app path does not exist`);
  return resolved;
}

/** `helm pull --untar` into a fresh scratch folder; the chart's own folder. */
async function pullChart(
  context: RenderContext,
  reference: string[],
  version: string,
): Promise<string> {
  const destination = fs.mkdtempSync(path.join(context.scratch, 'chart-'));
  await runTool('helm', [
    'pull',
    ...reference,
    ...(version ? ['--version', version] : []),
    '--untar',
    '--untardir',
    destination,
  ]);
  const [chart] = fs.readdirSync(destination);
  if (!chart) throw new Error(`helm pull ${reference[0]}: no chart`);
  return path.join(destination, chart);
}

/** How Argo CD's discovery types a folder: Helm, Kustomize, or plain manifests. */
async function renderDirectory(
  source: ApplicationSource,
  all: ApplicationSource[],
  context: RenderContext,
  directory: string,
): Promise<KubeObject[]> {
  if (fs.existsSync(path.join(directory, 'Chart.yaml')))
    return renderHelm(source, all, context, directory);
  const kustomization = [
    'kustomization.yaml',
    'kustomization.yml',
    'Kustomization',
  ]
    .map(name => path.join(directory, name))
    .find(file => fs.existsSync(file));
  if (kustomization) {
    const output = await runTool('kustomize', [
      'build',
      directory,
      ...context.kustomizeBuildOptions,
    ]);
    return parseObjects(output);
  }
  return readManifests(directory, source.directory ?? {});
}

async function renderHelm(
  source: ApplicationSource,
  all: ApplicationSource[],
  context: RenderContext,
  chartDir: string,
): Promise<KubeObject[]> {
  const helm = source.helm ?? {};
  const args = [
    'template',
    helm.releaseName ?? context.application,
    chartDir,
    '--namespace',
    context.namespace,
    ...(helm.skipCrds ? [] : ['--include-crds']),
    ...(helm.skipTests ? ['--skip-tests'] : []),
  ];
  for (const file of helm.valueFiles ?? []) {
    const resolved = await resolveValueFile(file, all, context, chartDir);
    if (fs.existsSync(resolved)) args.push('--values', resolved);
    else if (!helm.ignoreMissingValueFiles)
      throw new Error(`Error: open ${file}: no such file or directory`);
  }
  const inline = helm.valuesObject ?? helm.values;
  if (inline) {
    const file = path.join(
      fs.mkdtempSync(path.join(context.scratch, 'values-')),
      'values.yaml',
    );
    fs.writeFileSync(
      file,
      typeof inline === 'string' ? inline : stringify(inline),
    );
    args.push('--values', file);
  }
  return parseObjects(await runTool('helm', args));
}

async function resolveValueFile(
  file: string,
  all: ApplicationSource[],
  context: RenderContext,
  chartDir: string,
): Promise<string> {
  const match = /^\$([^/]+)\/(.*)$/.exec(file);
  if (!match) return inside(chartDir, file);
  const ref = all.find(s => s.ref === match[1]);
  if (!ref)
    throw new Error(
      `source referenced "${match[1]}", but no source has a 'ref' field defined`,
    );
  const checkout = await context.checkout(
    ref.repoURL ?? '',
    ref.targetRevision || 'HEAD',
  );
  return path.resolve(checkout, match[2]);
}

/** A directory source: its YAML and JSON files, recursively when asked, include/exclude globs. */
function readManifests(
  root: string,
  options: NonNullable<ApplicationSource['directory']>,
): KubeObject[] {
  const include = options.include ? globs(options.include) : undefined;
  const exclude = options.exclude ? globs(options.exclude) : undefined;
  const objects: KubeObject[] = [];
  const walk = (dir: string) => {
    for (const entry of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (options.recurse) walk(full);
        continue;
      }
      if (!/\.(ya?ml|json)$/.test(entry.name)) continue;
      const relative = path.relative(root, full).split(path.sep).join('/');
      if (include && !include.some(g => g.test(relative))) continue;
      if (exclude && exclude.some(g => g.test(relative))) continue;
      try {
        objects.push(...parseObjects(fs.readFileSync(full, 'utf8')));
      } catch (error) {
        throw new Error(
          `Failed to unmarshal "${relative}": ${(error as Error).message}`,
        );
      }
    }
  };
  walk(root);
  return objects;
}

/** Argo CD's `{a,b}` lists of `*` globs, matched against the path inside the source. */
function globs(pattern: string): RegExp[] {
  const list =
    pattern.startsWith('{') && pattern.endsWith('}')
      ? pattern.slice(1, -1).split(',')
      : [pattern];
  return list.map(
    glob =>
      new RegExp(
        `^${glob
          .trim()
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '[^/]*')
          .replace(/\?/g, '[^/]')}$`,
      ),
  );
}
