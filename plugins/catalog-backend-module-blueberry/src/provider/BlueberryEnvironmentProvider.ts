import {
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  ENVIRONMENT_ENTITY_ANNOTATIONS,
  ENVIRONMENTS_DIR,
} from '@blueberry-idp/plugin-blueberry-common';
import type { GitopsRepository } from '@blueberry-idp/plugin-blueberry-node';
import {
  deployedComponentRefs,
  EnvironmentEntityContext,
  environmentEntity,
} from '../entities/environmentEntity';
import {
  GitopsEnvironment,
  GitopsFile,
  isEnvironmentFile,
  readEnvironments,
} from '../gitops/readEnvironments';

/**
 * Says which of the given Component refs are in the catalog. Resolves with the refs that exist;
 * rejects when the catalog cannot be asked (the provider then keeps what it knew).
 *
 * @public
 */
export type ComponentLookup = (refs: string[]) => Promise<ReadonlySet<string>>;

/**
 * What one refresh did.
 *
 * @public
 */
export interface RefreshResult {
  /** The commit read; undefined when the branch does not exist yet. */
  commit?: string;
  /** Number of environment entities now in the catalog from this provider. */
  entities: number;
  /** Environments left out because their files do not parse. */
  problems: string[];
  /**
   * Refs of the entities this refresh added or changed (beyond the commit they were read at),
   * and of those it removed: what a search index must pick up.
   */
  changedRefs: string[];
  removedRefs: string[];
}

/** @public */
export interface BlueberryEnvironmentProviderOptions {
  /** The GitOps repository (local, GitLab or GitHub) the environments are read from. */
  repository: GitopsRepository;
  logger: LoggerService;
  lookupComponents?: ComponentLookup;
  /** Catalog namespace of the entities; default `default`. */
  namespace?: string;
  argocd?: EnvironmentEntityContext['argocd'];
  /** Where a repository file is, for the entities' location annotations. */
  locationOf: EnvironmentEntityContext['locationOf'];
  /** Runs the full refresh on a schedule once connected (once across replicas). */
  taskRunner?: SchedulerServiceTaskRunner;
  /** The scheduled task's id; default `blueberry-environments-refresh`. */
  taskId?: string;
  /** Called after a refresh applied entities that changed, e.g. to have search index them. */
  onChange?: (result: RefreshResult) => Promise<void>;
}

/**
 * The entity provider: one `Resource` entity of type `environment` per environment folder on the
 * GitOps branch, read through `GitopsRepository` (the local repository, or GitLab's or GitHub's
 * API). Every refresh is a full mutation, so an environment whose folder is gone leaves the
 * catalog. The folders are read again only when the branch's head moved: files at a commit never
 * change. Refreshes never overlap: a request during a refresh runs once more after it.
 *
 * @public
 */
export class BlueberryEnvironmentProvider implements EntityProvider {
  readonly #options: BlueberryEnvironmentProviderOptions;
  #connection?: EntityProviderConnection;
  #running?: Promise<RefreshResult>;
  #queued?: Promise<RefreshResult>;
  #appliedCommit?: string | null;
  #read?: {
    commit: string | null;
    environments: GitopsEnvironment[];
    problems: string[];
  };
  // Each applied entity by ref, without the commit annotation: what "changed" is judged against.
  #applied = new Map<string, string>();
  #knownComponentRefs: ReadonlySet<string> = new Set();

  constructor(options: BlueberryEnvironmentProviderOptions) {
    this.#options = options;
  }

  getProviderName(): string {
    return 'blueberry-environments';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.#connection = connection;
    await this.#options.taskRunner?.run({
      id: this.#options.taskId ?? 'blueberry-environments-refresh',
      fn: async () => {
        await this.refresh();
      },
    });
  }

  /** Reads the branch and replaces this provider's entities with what it holds. */
  refresh(): Promise<RefreshResult> {
    if (!this.#running) {
      this.#running = this.#refresh().finally(() => {
        this.#running = undefined;
      });
      return this.#running;
    }
    // One more run after the current one covers every request made during it.
    this.#queued ??= this.#running
      .catch(() => undefined)
      .then(() => {
        this.#queued = undefined;
        return this.refresh();
      });
    return this.#queued;
  }

  /**
   * Refreshes when the branch points at another commit than the last one applied: one
   * `headRevision()` (a `git rev-parse`, or one API request), cheap enough to run every few
   * seconds. Resolves with the refresh, or undefined.
   */
  async refreshIfChanged(): Promise<RefreshResult | undefined> {
    if (!this.#connection || this.#running) return undefined;
    const head = await this.#head();
    if (head === this.#appliedCommit) return undefined;
    return this.refresh();
  }

  async #refresh(): Promise<RefreshResult> {
    const connection = this.#connection;
    if (!connection) {
      throw new Error(
        `${this.getProviderName()} is not connected to the catalog yet`,
      );
    }
    const { logger } = this.#options;
    const commit = await this.#head();
    if (this.#read?.commit !== commit) {
      this.#read = { commit, ...(await this.#readEnvironments(commit)) };
      for (const problem of this.#read.problems) {
        logger.warn(`Left an environment out of the catalog: ${problem}`);
      }
    }
    const { environments, problems } = this.#read;
    const namespace = this.#options.namespace ?? 'default';

    const knownComponentRefs = await this.#lookupComponents(
      environments.flatMap(environment =>
        deployedComponentRefs(environment, namespace),
      ),
    );

    const locationKey = `blueberry-gitops:${this.#options.locationOf(
      ENVIRONMENTS_DIR,
    )}`;
    const entities = environments.map(environment => ({
      locationKey,
      entity: environmentEntity(environment, {
        commit: commit ?? '',
        locationOf: this.#options.locationOf,
        namespace: this.#options.namespace,
        argocd: this.#options.argocd,
        knownComponentRefs,
      }),
    }));
    await connection.applyMutation({ type: 'full', entities });
    this.#appliedCommit = commit;

    const applied = new Map(
      entities.map(({ entity }) => {
        const { [ENVIRONMENT_ENTITY_ANNOTATIONS.gitopsCommit]: _, ...rest } =
          entity.metadata.annotations ?? {};
        const content = {
          ...entity,
          metadata: { ...entity.metadata, annotations: rest },
        };
        return [stringifyEntityRef(entity), JSON.stringify(content)];
      }),
    );
    const changedRefs = [...applied]
      .filter(([ref, content]) => this.#applied.get(ref) !== content)
      .map(([ref]) => ref);
    const removedRefs = [...this.#applied.keys()].filter(
      ref => !applied.has(ref),
    );
    this.#applied = applied;

    logger.info(
      `Blueberry environments in the catalog: ${entities.length} at ${
        commit ?? 'no commit yet'
      }`,
    );
    const result: RefreshResult = {
      commit: commit ?? undefined,
      entities: entities.length,
      problems,
      changedRefs,
      removedRefs,
    };
    if (changedRefs.length || removedRefs.length) {
      await this.#options.onChange?.(result);
    }
    return result;
  }

  /** The branch's head, or null while it has no commit (no environments then). */
  async #head(): Promise<string | null> {
    try {
      return await this.#options.repository.headRevision();
    } catch (error) {
      // NotFoundError (by name: errors cross package copies).
      if ((error as Error)?.name === 'NotFoundError') return null;
      throw error;
    }
  }

  /**
   * Every environment's Application and components' values files at `commit`, in one batched
   * read of the `environments/` tree (`readEnvironments`) that fetches only those files.
   */
  async #readEnvironments(commit: string | null) {
    if (!commit) return { environments: [], problems: [] };
    const folders = await this.#options.repository.readEnvironments({
      revision: commit,
      filter: isEnvironmentFile,
    });
    const files: GitopsFile[] = [];
    for (const folder of folders.values()) {
      for (const [path, content] of folder) {
        files.push({ path, content: content.toString('utf8') });
      }
    }
    return readEnvironments(files);
  }

  async #lookupComponents(refs: string[]): Promise<ReadonlySet<string>> {
    const lookup = this.#options.lookupComponents;
    if (!lookup || refs.length === 0) return new Set();
    try {
      this.#knownComponentRefs = await lookup([...new Set(refs)]);
    } catch (error) {
      // The catalog may not serve yet (first refresh at startup): keep what the last lookup said.
      this.#options.logger.warn(
        `Could not look up the environments' components in the catalog, keeping the last answer: ${error}`,
      );
    }
    return this.#knownComponentRefs;
  }
}
