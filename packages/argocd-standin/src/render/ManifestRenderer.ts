import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BoundedMap } from '@blueberry-idp/plugin-blueberry-common';
import {
  ApplicationManifest,
  ManagedResource,
} from '../model/ApplicationRecord';
import { KubeObject, managedResourcesFrom } from './objects';
import {
  ApplicationSource,
  renderSources,
  RepositorySettings,
} from './sources';
import { runTool } from './tools';

/**
 * The `kustomize.buildOptions` of argocd-cm that Blueberry's bootstrap ships (helmCharts inflation).
 * The stand-in plays an Argo CD with that bootstrap applied.
 */
export const DEFAULT_KUSTOMIZE_BUILD_OPTIONS = ['--enable-helm'];

/** Checkouts kept at once: a long-running stand-in sees a new GitOps commit per environment change. */
const MAX_CHECKOUTS = 16;

export interface ManifestRendererOptions {
  /** The GitOps repository the stand-in reconciles, and the URLs it is known by. */
  repoPath: string;
  repoURLs?: string[];
  kustomizeBuildOptions?: string[];
  /** Argo CD's repository settings (`argocd repo add`), such as plain HTTP for an OCI registry. */
  repositories?: RepositorySettings[];
}

/** What Argo CD's comparison gives: the managed resources, or why they could not be generated. */
export interface RenderedApplication {
  resources: ManagedResource[];
  problems: string[];
}

/**
 * Renders Applications from Git as Argo CD does, with the real helm and kustomize. The GitOps
 * repository is read at the commit being reconciled; other `file://` repositories at their
 * `targetRevision`; any other repository URL is unreachable from here, as from an Argo CD without
 * network, and fails the source. Results are cached by the caller's key (Argo CD caches manifests by
 * revision the same way).
 */
export class ManifestRenderer {
  readonly #options: ManifestRendererOptions;
  readonly #root = fs.mkdtempSync(path.join(os.tmpdir(), 'argocd-standin-'));
  readonly #checkouts = new Map<string, Promise<string>>();
  readonly #cache = new BoundedMap<string, RenderedApplication>(1000);

  constructor(options: ManifestRendererOptions) {
    this.#options = options;
  }

  async render(
    name: string,
    manifest: ApplicationManifest,
    commit: string,
    cacheKey: string,
  ): Promise<RenderedApplication> {
    const cached = this.#cache.get(cacheKey);
    if (cached) return cached;
    let result: RenderedApplication;
    try {
      const objects = await this.renderObjects(name, manifest, commit);
      result = {
        resources: managedResourcesFrom(
          objects,
          destinationNamespace(name, manifest),
        ),
        problems: [],
      };
    } catch (error) {
      // As Argo CD's repo-server does, the checkout's folder is not shown.
      const message = (error as Error).message.replace(
        new RegExp(`${escapeRegExp(this.#root)}/[^/\\s'"]+`, 'g'),
        '<path to cached source>',
      );
      result = { resources: [], problems: [message] };
    }
    this.#cache.set(cacheKey, result);
    return result;
  }

  /**
   * The objects an Application's sources render to at `commit` of the GitOps repository, or a
   * SourceRenderError worded as Argo CD's ComparisonError. The conformance suite asserts on these.
   */
  async renderObjects(
    name: string,
    manifest: ApplicationManifest,
    commit: string,
  ): Promise<KubeObject[]> {
    const scratch = fs.mkdtempSync(path.join(this.#root, 'render-'));
    try {
      return await renderSources(sourcesOf(manifest), {
        application: name,
        namespace: destinationNamespace(name, manifest),
        scratch,
        kustomizeBuildOptions:
          this.#options.kustomizeBuildOptions ??
          DEFAULT_KUSTOMIZE_BUILD_OPTIONS,
        repositories: this.#options.repositories ?? [],
        checkout: (repoURL, revision) =>
          this.#checkout(repoURL, revision, commit),
      });
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }

  /** Drops the oldest checkouts beyond MAX_CHECKOUTS (a Map keeps insertion order). */
  #evictCheckouts(): void {
    for (const [key, checkout] of this.#checkouts) {
      if (this.#checkouts.size <= MAX_CHECKOUTS) return;
      this.#checkouts.delete(key);
      // A render may still read it: remove it only after a grace period.
      checkout.then(
        dir => {
          setTimeout(
            () => fs.rmSync(dir, { recursive: true, force: true }),
            60_000,
          ).unref();
        },
        () => {},
      );
    }
  }

  close(): void {
    fs.rmSync(this.#root, { recursive: true, force: true });
  }

  #isGitopsRepo(repoURL: string): boolean {
    const own = this.#options.repoPath;
    return (
      (this.#options.repoURLs ?? []).includes(repoURL) ||
      localPath(repoURL) === path.resolve(own)
    );
  }

  /** A tree of the repository's revision (`git archive`, so only what is committed), made once. */
  #checkout(
    repoURL: string,
    revision: string,
    commit: string,
  ): Promise<string> {
    const own = this.#isGitopsRepo(repoURL);
    const repo = own ? this.#options.repoPath : localPath(repoURL);
    if (!repo)
      return Promise.reject(
        new Error(
          `failed to list refs: repository not found: ${repoURL} (the stand-in reaches only local repositories)`,
        ),
      );
    const key = `${repo}\0${own ? commit : revision}`;
    let checkout = this.#checkouts.get(key);
    if (!checkout) {
      checkout = (async () => {
        const resolved = own
          ? commit
          : (
              await runTool('git', [
                '-C',
                repo,
                'rev-parse',
                '--verify',
                `${revision}^{commit}`,
              ])
            ).trim();
        const target = fs.mkdtempSync(path.join(this.#root, 'git-'));
        const tar = path.join(target, '.archive.tar');
        await runTool('git', ['-C', repo, 'archive', '-o', tar, resolved]);
        await runTar(tar, target);
        fs.rmSync(tar);
        return target;
      })();
      checkout.catch(() => this.#checkouts.delete(key));
      this.#checkouts.set(key, checkout);
      this.#evictCheckouts();
    }
    return checkout;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `spec.sources`, or the one `spec.source`. */
function sourcesOf(manifest: ApplicationManifest): ApplicationSource[] {
  const spec = manifest.spec as Record<string, any>;
  if (Array.isArray(spec.sources)) return spec.sources;
  return spec.source ? [spec.source] : [];
}

function destinationNamespace(
  name: string,
  manifest: ApplicationManifest,
): string {
  const destination = (manifest.spec as Record<string, any>).destination;
  return String(destination?.namespace ?? name);
}

function localPath(repoURL: string): string | undefined {
  if (repoURL.startsWith('file://'))
    return path.resolve(fileURLToPath(repoURL));
  if (path.isAbsolute(repoURL)) return path.resolve(repoURL);
  return undefined;
}

async function runTar(archive: string, target: string): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    execFile('tar', ['-xf', archive, '-C', target], error =>
      error ? reject(error) : resolve(),
    ),
  );
}
