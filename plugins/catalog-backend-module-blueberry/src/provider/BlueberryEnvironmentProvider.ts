import {
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import path from 'node:path';
import {
  deployedComponentRefs,
  EnvironmentEntityContext,
  environmentEntity,
} from '../entities/environmentEntity';
import { GitopsRepositoryReader } from '../gitops/GitopsRepositoryReader';
import { readEnvironments } from '../gitops/readEnvironments';

/**
 * Says which of the given Component refs are in the catalog. Resolves with the refs that exist;
 * rejects when the catalog cannot be asked (the provider then keeps what it knew).
 */
export type ComponentLookup = (refs: string[]) => Promise<ReadonlySet<string>>;

/** What one refresh did. */
export interface RefreshResult {
  /** The commit read; undefined when the branch does not exist yet. */
  commit?: string;
  /** Number of environment entities now in the catalog from this provider. */
  entities: number;
  /** Environments left out because their files do not parse. */
  problems: string[];
}

export interface BlueberryEnvironmentProviderOptions {
  reader: GitopsRepositoryReader;
  logger: LoggerService;
  lookupComponents?: ComponentLookup;
  /** Catalog namespace of the entities; default `default`. */
  namespace?: string;
  argocd?: EnvironmentEntityContext['argocd'];
  /** Runs the full refresh on a schedule once connected (once across replicas). */
  taskRunner?: SchedulerServiceTaskRunner;
  /** The scheduled task's id; default `blueberry-environments-refresh`. */
  taskId?: string;
}

/**
 * The entity provider: one `Resource` entity of type `environment` per environment directory on the
 * GitOps branch. Every refresh is a full mutation, so an environment whose directory is gone leaves
 * the catalog. Refreshes never overlap: a request during a refresh runs once more after it.
 */
export class BlueberryEnvironmentProvider implements EntityProvider {
  readonly #options: BlueberryEnvironmentProviderOptions;
  #connection?: EntityProviderConnection;
  #running?: Promise<RefreshResult>;
  #queued?: Promise<RefreshResult>;
  #appliedCommit?: string | null;
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
   * Refreshes when the branch points at another commit than the last one applied: one `git
   * rev-parse`, cheap enough to run every few seconds. Resolves with the refresh, or undefined.
   */
  async refreshIfChanged(): Promise<RefreshResult | undefined> {
    if (!this.#connection || this.#running) return undefined;
    const head = (await this.#options.reader.head()) ?? null;
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
    const { reader, logger } = this.#options;
    const commit = await reader.head();
    const files = commit ? await reader.readEnvironmentFiles(commit) : [];
    const { environments, problems } = readEnvironments(files);
    for (const problem of problems) {
      logger.warn(`Left an environment out of the catalog: ${problem}`);
    }

    const knownComponentRefs = await this.#lookupComponents(
      environments.flatMap(environment =>
        deployedComponentRefs(
          environment,
          this.#options.namespace ?? 'default',
        ),
      ),
    );

    const locationKey = `blueberry-gitops:${path.resolve(reader.path)}#${
      reader.branch
    }`;
    const entities = environments.map(environment => ({
      locationKey,
      entity: environmentEntity(environment, {
        commit: commit ?? '',
        repositoryPath: path.resolve(reader.path),
        namespace: this.#options.namespace,
        argocd: this.#options.argocd,
        knownComponentRefs,
      }),
    }));
    await connection.applyMutation({ type: 'full', entities });
    this.#appliedCommit = commit ?? null;
    logger.info(
      `Blueberry environments in the catalog: ${entities.length} at ${
        commit ?? 'no commit yet'
      }`,
    );
    return { commit, entities: entities.length, problems };
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
