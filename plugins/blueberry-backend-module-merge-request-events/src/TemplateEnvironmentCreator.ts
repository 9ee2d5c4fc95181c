import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { ScaffolderService } from '@backstage/plugin-scaffolder-node';
import {
  BLUEBERRY_APP_ANNOTATION,
  BLUEBERRY_BLUEPRINT_ANNOTATION,
  sleep,
} from '@blueberry-idp/plugin-blueberry-common';
import {
  DEFAULT_ENVIRONMENT_NAME,
  mergeRequestEnvironmentName,
} from './environmentName';
import type { MergeRequestChange } from './MergeRequestChange';

/** The annotation that ties a catalog entity to its GitLab project or GitHub repository. */
export const PROJECT_SLUG_ANNOTATIONS: Record<
  MergeRequestChange['provider'],
  string
> = {
  gitlab: 'gitlab.com/project-slug',
  github: 'github.com/project-slug',
};

export type CreationOutcome =
  | { status: 'created'; environment: string; taskId: string }
  | { status: 'failed'; environment?: string; taskId?: string; why: string }
  | { status: 'skipped'; why: string };

type Credentials = Awaited<ReturnType<AuthService['getOwnServiceCredentials']>>;

const DEPLOYABLE_KINDS = ['System', 'Component'];
const FINISHED = new Set(['completed', 'failed', 'cancelled']);

/**
 * Creates a merge request's environment by running the "Create environment" template through the
 * scaffolder (the ScaffolderService: the scaffolder's API over HTTP with this plugin's service
 * token), so every check of the template and its actions applies. The scaffolder validates input
 * but fills in no defaults, so the values start from the defaults the template declares (what a
 * user gets by submitting the form unchanged: components, TTL, where to publish) and the merge
 * request sets the entity, name, type, link and head commit. An entity with a blueprint
 * (`blueberry.io/blueprint`) gets its components from the blueprint at the head commit, not the
 * template's defaults. The environment is named by `blueberry.mergeRequests.environmentName`
 * (default `{app}-pr-{number}`).
 */
export class TemplateEnvironmentCreator {
  readonly #scaffolder: ScaffolderService;
  readonly #catalog: CatalogService;
  readonly #auth: AuthService;
  readonly #logger: LoggerService;
  readonly #templateRef: string;
  readonly #taskTimeoutMs: number;
  readonly #pollIntervalMs: number;
  readonly #namePattern: string;

  constructor(options: {
    scaffolder: ScaffolderService;
    catalog: CatalogService;
    auth: AuthService;
    logger: LoggerService;
    templateRef: string;
    taskTimeoutMs: number;
    pollIntervalMs?: number;
    /** `blueberry.mergeRequests.environmentName`; default `{app}-pr-{number}`. */
    environmentName?: string;
  }) {
    this.#namePattern = options.environmentName ?? DEFAULT_ENVIRONMENT_NAME;
    this.#scaffolder = options.scaffolder;
    this.#catalog = options.catalog;
    this.#auth = options.auth;
    this.#logger = options.logger;
    this.#templateRef = options.templateRef;
    this.#taskTimeoutMs = options.taskTimeoutMs;
    this.#pollIntervalMs = options.pollIntervalMs ?? 250;
  }

  /**
   * Creates the merge request's environment under the configured name; refused when that name is
   * taken (by an environment of another merge request, which `isTaken` sees).
   */
  async create(
    change: MergeRequestChange,
    request: { reason: string; isTaken(name: string): Promise<boolean> },
  ): Promise<CreationOutcome> {
    const credentials = await this.#auth.getOwnServiceCredentials();
    const found = await this.#findEntity(change, credentials);
    if ('why' in found) return { status: 'skipped', why: found.why };
    const environment = mergeRequestEnvironmentName(this.#namePattern, {
      app:
        found.entity.metadata.annotations?.[BLUEBERRY_APP_ANNOTATION] ??
        found.entity.metadata.name,
      number: change.number,
      project: change.project,
    });
    if (await request.isTaken(environment)) {
      return {
        status: 'failed',
        environment,
        why: `environment ${environment} exists for another merge request; set blueberry.mergeRequests.environmentName to a pattern that tells them apart (such as {project}-{number})`,
      };
    }
    return this.#run(change, found.entity, credentials, {
      environment,
      reason: request.reason,
      update: false,
    });
  }

  /** Moves the merge request's environment to its head commit: the template again, as an update. */
  async update(
    change: MergeRequestChange,
    request: { environment: string; reason: string },
  ): Promise<CreationOutcome> {
    const credentials = await this.#auth.getOwnServiceCredentials();
    const found = await this.#findEntity(change, credentials);
    if ('why' in found) return { status: 'skipped', why: found.why };
    return this.#run(change, found.entity, credentials, {
      ...request,
      update: true,
    });
  }

  async #run(
    change: MergeRequestChange,
    entity: Entity,
    credentials: Credentials,
    request: { environment: string; reason: string; update: boolean },
  ): Promise<CreationOutcome> {
    const schema = await this.#scaffolder.getTemplateParameterSchema(
      { templateRef: this.#templateRef },
      { credentials },
    );
    const defaults: Record<string, unknown> = {};
    for (const step of schema.steps) {
      const properties = (step.schema.properties ?? {}) as Record<
        string,
        { default?: unknown }
      >;
      for (const [key, property] of Object.entries(properties)) {
        if (property.default !== undefined) defaults[key] = property.default;
      }
    }
    // With a blueprint, the merge request's own components at its head; else the template's.
    const fromBlueprint = Boolean(
      entity.metadata.annotations?.[BLUEBERRY_BLUEPRINT_ANNOTATION],
    );
    const { taskId } = await this.#scaffolder.scaffold(
      {
        templateRef: this.#templateRef,
        values: {
          ...defaults,
          entity: stringifyEntityRef(entity),
          name: request.environment,
          type: 'pull-request',
          pullRequest: change.number,
          mergeRequestUrl: change.url,
          update: request.update,
          ...(fromBlueprint
            ? {
                components: [],
                ...(change.headSha ? { commit: change.headSha } : {}),
                ...(change.branch ? { branch: change.branch } : {}),
              }
            : {}),
          // Read by the template's commit step: the task runs as this plugin, not as a user.
          requestedBy: change.actor,
          reason: request.reason,
        },
      },
      { credentials },
    );
    this.#logger.info(
      `${request.update ? 'Updating' : 'Creating'} environment ${
        request.environment
      } for ${change.url} through ${this.#templateRef} (task ${taskId})`,
    );
    const outcome = await this.#waitForTask(taskId, credentials);
    return outcome.status === 'created'
      ? { ...outcome, environment: request.environment }
      : { ...outcome, environment: request.environment };
  }

  /** The System or Component whose project-slug annotation names the merge request's project. */
  async #findEntity(
    change: MergeRequestChange,
    credentials: Credentials,
  ): Promise<{ entity: Entity } | { why: string }> {
    const annotation = PROJECT_SLUG_ANNOTATIONS[change.provider];
    const { items: claiming } = await this.#catalog.getEntities(
      { filter: { [`metadata.annotations.${annotation}`]: change.project } },
      { credentials },
    );
    // The template deploys a System or a Component (its entity picker's filter).
    const items = claiming.filter(e => DEPLOYABLE_KINDS.includes(e.kind));
    // A system and its components may share the project; the one naming its app is the deployable.
    const withApp = items.filter(
      e => e.metadata.annotations?.['blueberry.io/app'],
    );
    const candidates = withApp.length > 0 ? withApp : items;
    if (candidates.length === 1) return { entity: candidates[0] };
    return {
      why:
        candidates.length === 0
          ? `no System or Component has ${annotation}: ${change.project}`
          : `${candidates.length} entities have ${annotation}: ${
              change.project
            } (${candidates
              .map(e => stringifyEntityRef(e))
              .join(', ')}); give one of them blueberry.io/app`,
    };
  }

  /** The task's error, as its completion event reports it (the template's check that refused). */
  async #failure(taskId: string, credentials: Credentials): Promise<string> {
    const events = await this.#scaffolder.getLogs({ taskId }, { credentials });
    const completion = events.find(e => e.type === 'completion');
    // The completion event of a failed task carries the error beside the declared fields.
    const body = completion?.body as
      | { message?: string; error?: { message?: string } }
      | undefined;
    return body?.error?.message ?? body?.message ?? 'task failed';
  }

  async #waitForTask(
    taskId: string,
    credentials: Credentials,
  ): Promise<
    | { status: 'created'; taskId: string }
    | { status: 'failed'; taskId: string; why: string }
  > {
    const deadline = Date.now() + this.#taskTimeoutMs;
    for (;;) {
      const task = await this.#scaffolder.getTask({ taskId }, { credentials });
      if (FINISHED.has(task.status)) {
        if (task.status === 'completed') return { status: 'created', taskId };
        return {
          status: 'failed',
          taskId,
          why: await this.#failure(taskId, credentials),
        };
      }
      if (Date.now() > deadline) {
        return {
          status: 'failed',
          taskId,
          why: `task still ${task.status} after ${this.#taskTimeoutMs} ms`,
        };
      }
      await sleep(this.#pollIntervalMs);
    }
  }
}
