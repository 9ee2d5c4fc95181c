import { ROOT_APPLICATION_NAME } from '@blueberry-idp/plugin-blueberry-common';
import { Knobs } from './knobs';
import {
  ARGOCD_NAMESPACE,
  ApplicationRecord,
  ManagedResource,
} from './model/ApplicationRecord';
import { ApplicationStore } from './model/ApplicationStore';
import { kubeTime } from './model/argoTypes';
import { SyncInitiator, advanceSync, beginSync, isSyncing } from './model/sync';
import { GitRepository } from './gitops/GitRepository';
import {
  EnvironmentDefinition,
  GitOpsSnapshot,
  readGitOpsSnapshot,
  synthesisedRootManifest,
} from './gitops/snapshot';
import { FIXTURE_REPO_URL } from './gitops/layout';
import { ManifestRenderer } from './render/ManifestRenderer';
import type { RepositorySettings } from './render/sources';

export interface ReconcilerOptions {
  store: ApplicationStore;
  knobs: Knobs;
  repoPath?: string;
  branch: string;
  pollIntervalMs: number;
  /** The URLs Applications name the reconciled repository by (Argo CD's registered repository). */
  repoURLs?: string[];
  /** argocd-cm `kustomize.buildOptions`; default Blueberry's bootstrap (`--enable-helm`). */
  kustomizeBuildOptions?: string[];
  /** Argo CD's repository settings (`argocd repo add`), such as plain HTTP for an OCI registry. */
  repositories?: RepositorySettings[];
  onError?: (error: Error) => void;
}

/** Thrown when a sync is asked for while one runs, as Argo CD answers with FailedPrecondition. */
export class OperationInProgressError extends Error {}

/**
 * Argo CD's application controller, in small: polls the GitOps repository's branch, turns each
 * commit into Applications (the root and one child per environment directory), runs their syncs wave
 * by wave, prunes removed environments, and publishes every change to the store (and so to watchers).
 */
export class Reconciler {
  readonly #options: ReconcilerOptions;
  readonly #records = new Map<string, ApplicationRecord>();
  readonly #gitSourced = new Set<string>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #selfHealTimers = new Map<string, NodeJS.Timeout>();
  /** The driftedResources array last seen, and which of its entries it has edited already. */
  #driftList?: string[];
  readonly #drifted = new Set<string>();
  readonly #repo?: GitRepository;
  readonly #renderer?: ManifestRenderer;
  #pollTimer?: NodeJS.Timeout;
  #polling: Promise<void> = Promise.resolve();
  #lastCommit?: string;
  #stopped = false;

  constructor(options: ReconcilerOptions) {
    this.#options = options;
    if (options.repoPath) {
      this.#repo = new GitRepository(options.repoPath);
      this.#renderer = new ManifestRenderer({
        repoPath: options.repoPath,
        repoURLs: options.repoURLs ?? [FIXTURE_REPO_URL],
        kustomizeBuildOptions: options.kustomizeBuildOptions,
        repositories: options.repositories,
      });
    }
  }

  get(name: string): ApplicationRecord | undefined {
    return this.#records.get(name);
  }

  /** Reads the repository once, then keeps polling it. */
  async start(): Promise<void> {
    if (!this.#repo) return;
    await this.pollNow();
    const tick = () => {
      this.#pollTimer = setTimeout(async () => {
        await this.pollNow();
        if (!this.#stopped) tick();
      }, this.#options.pollIntervalMs);
    };
    tick();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#pollTimer);
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    for (const timer of this.#selfHealTimers.values()) clearTimeout(timer);
    this.#selfHealTimers.clear();
    // A render under way finishes into a folder that is gone; its result is dropped with the poll.
    void this.#polling.finally(() => this.#renderer?.close());
  }

  /** Polls now (a refresh); concurrent callers share one poll at a time. */
  pollNow(): Promise<void> {
    this.#polling = this.#polling.then(() => this.#poll());
    return this.#polling;
  }

  /** Adds already synced Applications that exist in no repository (the synthetic scale knob). */
  addSettled(records: ApplicationRecord[]): void {
    for (const record of records) this.#records.set(record.name, record);
    this.#options.store.seed(records.map(r => r.toApplication()));
    this.#options.store.warm();
  }

  /**
   * The driftedResources knob: edits each listed resource that exists, once per assignment of the
   * knob (so a sync, manual or self-heal's, stays put), so its live state differs from Git and it
   * (and its Application) turn OutOfSync; an Application with selfHeal is then synced back. Called
   * before every API request; cheap while the knob is empty.
   */
  applyDrift(): void {
    const list = this.#options.knobs.driftedResources;
    if (list !== this.#driftList) {
      this.#driftList = list;
      this.#drifted.clear();
    }
    for (const entry of list) {
      if (this.#drifted.has(entry)) continue;
      const [application, kind, name] = entry.split('/');
      const record = this.#records.get(application);
      const resource = record?.resources.find(
        r => r.kind === kind && r.name === name,
      );
      if (!record || !resource?.exists) continue;
      // A sync in progress applies its waves over the edit; Argo CD would compare after it.
      if (isSyncing(record)) continue;
      this.#drifted.add(entry);
      resource.editedLive = true;
      resource.sync = 'OutOfSync';
      this.#publish(record);
      this.#scheduleSelfHeal(record);
    }
  }

  /**
   * Argo CD's controller, comparing an Application with `automated.selfHeal` and finding it
   * OutOfSync at the revision it last synced, syncs it again after the self-heal backoff (an
   * automated operation, `initiatedBy.automated`). Simplified: one fixed delay counted from the
   * drift, where Argo CD grows it (2 s, x3, capped at 300 s) for repeated heals of one revision.
   */
  #scheduleSelfHeal(record: ApplicationRecord): void {
    const delay = this.#options.knobs.selfHealDelayMs;
    const syncPolicy = record.manifest.spec.syncPolicy as
      | { automated?: { selfHeal?: boolean } }
      | undefined;
    if (delay === null || !syncPolicy?.automated?.selfHeal || this.#stopped)
      return;
    if (this.#selfHealTimers.has(record.name)) return;
    this.#selfHealTimers.set(
      record.name,
      setTimeout(() => {
        this.#selfHealTimers.delete(record.name);
        if (this.#stopped || this.#records.get(record.name) !== record) return;
        if (!record.resources.some(r => r.editedLive)) return;
        // A sync under way applies over the edit; look again once it is done.
        if (isSyncing(record)) {
          this.#scheduleSelfHeal(record);
          return;
        }
        beginSync(record, { automated: true }, this.#options.knobs);
        this.#publish(record);
        this.#schedule(record);
      }, delay),
    );
  }

  /** `POST /sync`: a manual sync of the Application at its current revision. */
  sync(
    name: string,
    initiatedBy: SyncInitiator,
  ): ApplicationRecord | undefined {
    const record = this.#records.get(name);
    if (!record) return undefined;
    if (isSyncing(record))
      throw new OperationInProgressError(
        'another operation is already in progress',
      );
    beginSync(record, initiatedBy, this.#options.knobs);
    this.#publish(record);
    this.#schedule(record);
    return record;
  }

  /** `?refresh=`: re-read the repository, then mark the Application reconciled. */
  async refresh(name: string): Promise<void> {
    await this.pollNow();
    const record = this.#records.get(name);
    if (record) {
      record.reconciledAt = kubeTime();
      this.#publish(record);
    }
  }

  async #poll(): Promise<void> {
    if (!this.#repo || this.#stopped) return;
    try {
      const commit = await this.#repo.headCommit(this.#options.branch);
      if (!commit || commit === this.#lastCommit) return;
      const snapshot = await readGitOpsSnapshot(
        this.#repo,
        commit,
        this.#renderer!,
      );
      if (this.#stopped) return;
      this.#lastCommit = commit;
      this.#apply(snapshot);
    } catch (error) {
      this.#options.onError?.(error as Error);
    }
  }

  #apply(snapshot: GitOpsSnapshot): void {
    const now = kubeTime();
    for (const definition of snapshot.environments.values()) {
      const record = this.#records.get(definition.name);
      if (!record || !this.#gitSourced.has(definition.name)) {
        this.#create(definition, snapshot.commit);
      } else if (
        record.contentDigest !== definition.digest ||
        record.deletionTimestamp
      ) {
        // A changed environment (or one re-added while being pruned) is a new sync.
        clearTimeout(this.#timers.get(record.name));
        record.deletionTimestamp = undefined;
        record.manifest = withTracking(definition);
        record.generation += 1;
        record.setResources(definition.resources);
        record.setProblems(definition.problems, definition.specErrors);
        record.refusals = definition.refusals;
        this.#setRevision(record, snapshot.commit);
        record.contentDigest = definition.digest;
        record.reconciledAt = now;
        this.#autoSync(record);
      } else {
        // Same content at a new commit: Argo CD compares again, finds it in sync, and says so.
        this.#setRevision(record, snapshot.commit);
        record.reconciledAt = now;
        this.#publish(record);
      }
    }
    for (const name of [...this.#gitSourced]) {
      if (!snapshot.environments.has(name)) this.#prune(name);
    }
    this.#applyRoot(snapshot);
  }

  #create(definition: EnvironmentDefinition, commit: string): void {
    const record = new ApplicationRecord(
      definition.name,
      withTracking(definition),
    );
    record.setResources(definition.resources);
    record.setProblems(definition.problems, definition.specErrors);
    record.refusals = definition.refusals;
    this.#setRevision(record, commit);
    record.contentDigest = definition.digest;
    this.#records.set(record.name, record);
    this.#gitSourced.add(record.name);
    this.#autoSync(record);
  }

  /**
   * Automated sync of a new or changed environment. When its project refuses its spec, or its
   * sources failed to render, Argo CD has nothing to compare and does not sync: the Application
   * shows the InvalidSpecError or ComparisonError instead. Objects the project does not permit fail
   * the sync itself (beginSync), before anything is applied.
   */
  #autoSync(record: ApplicationRecord): void {
    if (record.problems.length === 0 && record.specErrors.length === 0)
      beginSync(record, { automated: true }, this.#options.knobs);
    else {
      record.run = undefined;
      record.operation = undefined;
    }
    this.#publish(record);
    this.#schedule(record);
  }

  /**
   * A removed environment directory: the root prunes the child Application; its finalizer first has
   * its resources deleted (MODIFIED with a deletionTimestamp), then it goes (DELETED).
   */
  #prune(name: string): void {
    const record = this.#records.get(name);
    this.#gitSourced.delete(name);
    if (!record) return;
    clearTimeout(this.#timers.get(name));
    record.run = undefined;
    record.operation = undefined;
    record.deletionTimestamp = kubeTime();
    this.#publish(record);
    this.#timers.set(
      name,
      setTimeout(() => {
        this.#timers.delete(name);
        if (this.#gitSourced.has(name)) return;
        this.#records.delete(name);
        this.#options.store.delete(name);
        this.#refreshRoot();
      }, this.#options.knobs.waveDelayMs),
    );
  }

  #applyRoot(snapshot: GitOpsSnapshot): void {
    const manifest =
      snapshot.root.manifest ??
      synthesisedRootManifest(
        `file://${this.#repo!.path}`,
        this.#options.branch,
      );
    let root = this.#records.get(ROOT_APPLICATION_NAME);
    if (!root) {
      root = new ApplicationRecord(ROOT_APPLICATION_NAME, manifest);
      this.#records.set(ROOT_APPLICATION_NAME, root);
    }
    root.manifest = manifest;
    const children: ManagedResource[] = [...snapshot.environments.values()]
      .filter(d => d.name !== ROOT_APPLICATION_NAME)
      .map(d => ({
        group: 'argoproj.io',
        version: 'v1alpha1',
        kind: 'Application',
        namespace: ARGOCD_NAMESPACE,
        name: d.name,
        wave: d.wave,
        images: [],
      }))
      .sort((a, b) => a.wave - b.wave || a.name.localeCompare(b.name));
    const digest = `${snapshot.root.digest}|${[
      ...snapshot.environments.values(),
    ]
      .map(d => d.digest)
      .join(',')}`;
    root.setResources(children);
    this.#setRevision(root, snapshot.commit);
    root.reconciledAt = kubeTime();
    this.#copyChildHealth(root);
    if (root.contentDigest !== digest) {
      root.contentDigest = digest;
      clearTimeout(this.#timers.get(ROOT_APPLICATION_NAME));
      beginSync(root, { automated: true }, this.#options.knobs);
      this.#schedule(root);
    }
    this.#publish(root);
  }

  /** The root's view of its children (argocd-cm's Application health check makes it wait on them). */
  #copyChildHealth(root: ApplicationRecord): boolean {
    let changed = false;
    for (const resource of root.resources) {
      const child = this.#records.get(resource.name);
      if (!resource.exists || !child) continue;
      const health = child.health;
      if (
        resource.health?.status !== health.status ||
        resource.health?.message !== health.message
      ) {
        resource.health = {
          status: health.status,
          ...(health.message ? { message: health.message } : {}),
        };
        changed = true;
      }
    }
    return changed;
  }

  #refreshRoot(): void {
    const root = this.#records.get(ROOT_APPLICATION_NAME);
    if (!root || this.#stopped) return;
    if (this.#copyChildHealth(root)) this.#publish(root);
  }

  #setRevision(record: ApplicationRecord, commit: string): void {
    record.revision = commit;
    const sources = record.manifest.spec.sources;
    record.revisions = Array.isArray(sources)
      ? sources.map((s: any) =>
          s?.chart ? String(s.targetRevision ?? '') : commit,
        )
      : undefined;
  }

  #schedule(record: ApplicationRecord): void {
    clearTimeout(this.#timers.get(record.name));
    if (this.#stopped || !isSyncing(record)) return;
    this.#timers.set(
      record.name,
      setTimeout(() => {
        this.#timers.delete(record.name);
        if (this.#records.get(record.name) !== record) return;
        if (record.name === ROOT_APPLICATION_NAME)
          this.#copyChildHealth(record);
        if (advanceSync(record, this.#options.knobs)) this.#publish(record);
        this.#schedule(record);
      }, this.#options.knobs.waveDelayMs),
    );
  }

  #publish(record: ApplicationRecord): void {
    if (this.#stopped) return;
    this.#options.store.put(record.toApplication());
    if (
      record.name !== ROOT_APPLICATION_NAME &&
      this.#gitSourced.has(record.name)
    ) {
      this.#refreshRoot();
    }
  }
}

function withTracking(definition: EnvironmentDefinition) {
  // Argo CD's annotation tracking (the 3.x default) marks what the root applied.
  return {
    ...definition.manifest,
    annotations: {
      ...definition.manifest.annotations,
      'argocd.argoproj.io/tracking-id': `${ROOT_APPLICATION_NAME}:argoproj.io/Application:${ARGOCD_NAMESPACE}/${definition.name}`,
    },
  };
}
