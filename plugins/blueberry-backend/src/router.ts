import type {
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  BLUEBERRY_ANNOTATIONS,
  blueberryEnvironmentReadPermission,
  blueberryEnvironmentRollbackPermission,
  blueberryEnvironmentSyncPermission,
} from '@blueberry-idp/plugin-blueberry-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ArgoCdError } from './argocd/errors';
import type { ArgoApplication } from './argocd/types';
import type { EntityAccess } from './services/EntityAccess';
import { EntityLink, entityLinkOf } from './services/entityLinks';
import type { ActionRateLimiter } from './services/ActionRateLimiter';
import type { EnvironmentService } from './services/EnvironmentService';
import type { EnvironmentHistory } from './services/history/EnvironmentHistory';
import type { EnvironmentKeeper } from './services/lifecycle/EnvironmentKeeper';
import type { SignalPublisher } from './services/SignalPublisher';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  access: EntityAccess;
  /** One refresh and one sync per environment per interval. */
  rateLimiter: ActionRateLimiter;
  environments: EnvironmentService;
  signals: SignalPublisher;
  /** Extends expiries; undefined when no GitOps repository is configured for the lifecycle. */
  keeper?: EnvironmentKeeper;
  /** History and rollback from Git; undefined when no GitOps repository is configured. */
  history?: EnvironmentHistory;
}

const entityRefSchema = z
  .string({ required_error: 'entityRef is required' })
  .min(1)
  .max(1000)
  .transform((value, ctx) => {
    try {
      return stringifyEntityRef(parseEntityRef(value));
    } catch (error) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `is not an entity ref: ${error}`,
      });
      return z.NEVER;
    }
  });

const listQuery = z.object({ entityRef: entityRefSchema }).strict();
const environmentQuery = z
  .object({ entityRef: entityRefSchema.optional() })
  .strict();
const FULL_SHA = /^[0-9a-f]{40}$/;
const historyQuery = z
  .object({
    entityRef: entityRefSchema.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().regex(FULL_SHA, 'must be a full commit SHA').optional(),
  })
  .strict();
const rollbackBody = z
  .object({
    revision: z
      .string({ required_error: 'revision is required' })
      .regex(FULL_SHA, 'must be a full commit SHA (40 hex digits)'),
  })
  .strict();
const environmentParams = z.object({
  instance: z.string().min(1).max(100),
  // Argo CD Application names are Kubernetes object names: DNS-1123 subdomains.
  name: z
    .string()
    .max(253)
    .regex(
      /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
      'must be an Argo CD Application name',
    ),
});

function parse<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
  what: string,
): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map(
      i => `${i.path.join('.') || what}: ${i.message}`,
    );
    throw new InputError(`Invalid ${what}: ${issues.join('; ')}`);
  }
  return result.data;
}

/**
 * The REST API of DESIGN section 5 (src/schema/openapi.yaml). HTTP only: validation, credentials,
 * permissions; the answers come from EnvironmentService.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const {
    httpAuth,
    access,
    rateLimiter,
    environments,
    signals,
    keeper,
    history,
  } = options;
  const router = Router();

  router.get('/environments', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { entityRef } = parse(listQuery, req.query, 'query');
    const entity = await access.authorize(
      entityRef,
      blueberryEnvironmentReadPermission,
      credentials,
    );
    const linked = linkOf(entity);
    if (linked instanceof Error) {
      throw new InputError(
        `Entity ${entityRef} has a malformed annotation: ${linked.message}`,
      );
    }
    if (!linked.link) {
      res.json({ items: [], errors: [] });
      return;
    }
    signals.watch(entityRef, linked.link, userOf(credentials));
    const answer = await environments.environmentsJsonFor(
      linked.link,
      linked.answerKey,
    );
    const gzip = req.acceptsEncodings('gzip', 'identity') === 'gzip';
    sendPrepared(req, res, gzip ? await answer.gzipped() : answer, gzip);
  });

  /**
   * Single-environment routes. The permission is checked before anything is looked up: a caller the
   * policy denies it outright gets 403 whether or not the environment exists, and one it grants it
   * on every entity (an admin) may act on any environment. Then the environment
   * is authorised against the catalog entity it RECORDS as its source (`blueberry.io/source-entity`
   * on the Application Argo CD synced from the GitOps repository), with the caller's credentials.
   * An `entityRef` the caller names (the page it is on) must link to the environment; a read is
   * then allowed by that entity's read grant, but a change still needs the recorded entity's, so
   * no entity a caller registers or annotates can widen what it may change. A missing environment and one the caller may not touch get the
   * same 404, so the answer does not tell them apart.
   */
  async function authorizeEnvironment(
    req: express.Request,
    permission: ResourcePermission<'catalog-entity'>,
    querySchema: z.ZodType<{ entityRef?: string }> = environmentQuery,
  ): Promise<{
    instance: string;
    name: string;
    credentials: BackstageCredentials;
  }> {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { instance, name } = parse(environmentParams, req.params, 'path');
    const { entityRef } = parse(querySchema, req.query, 'query');
    const general = await access.generalDecision(permission, credentials);
    if (general === 'deny') {
      throw new NotAllowedError(`Not allowed: ${permission.name}`);
    }
    const hidden = new NotFoundError(
      `No environment '${name}' on Argo CD instance '${instance}' on which you are allowed ${permission.name}`,
    );
    const app = environments.findApplication(instance, name);
    if (!app) throw hidden;
    // The page the caller names must be one the environment belongs to, and visible to it.
    if (entityRef) {
      const entity = await grantedEntity(
        entityRef,
        blueberryEnvironmentReadPermission,
        credentials,
      );
      const link = entity && safeLink(entity);
      const linked =
        !!link &&
        link.matches(app) &&
        (!link.instances || link.instances.includes(instance));
      if (!linked) throw hidden;
      if (permission === blueberryEnvironmentReadPermission) {
        return { instance, name, credentials };
      }
    }
    // Granted on every entity (an admin, or an allow-all policy): also on an environment that
    // records no source entity.
    if (general === 'allow') return { instance, name, credentials };
    // A change, or a read without a page: the recorded source entity decides.
    const source = recordedSourceEntity(app);
    if (source && (await isGranted(source, permission, credentials))) {
      return { instance, name, credentials };
    }
    throw hidden;
  }

  async function isGranted(
    entityRef: string,
    permission: ResourcePermission<'catalog-entity'>,
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    return !!(await grantedEntity(entityRef, permission, credentials));
  }

  /** The entity when the caller sees it and holds the permission on it; undefined otherwise. */
  async function grantedEntity(
    entityRef: string,
    permission: ResourcePermission<'catalog-entity'>,
    credentials: BackstageCredentials,
  ): Promise<Entity | undefined> {
    try {
      return await access.authorize(entityRef, permission, credentials);
    } catch (error) {
      if (error instanceof NotAllowedError || error instanceof NotFoundError)
        return undefined;
      throw error;
    }
  }

  /** Refuses a second `action` on the environment within the interval (429, Retry-After). */
  function rateLimited(
    res: express.Response,
    action: 'refresh' | 'sync' | 'rollback',
    instance: string,
    name: string,
  ): boolean {
    const retryAfter = rateLimiter.take(action, instance, name);
    if (retryAfter === undefined) return false;
    res.set('Retry-After', String(retryAfter));
    res.status(429).json({
      error: {
        name: 'TooManyRequestsError',
        message: `Environment '${name}' was asked to ${action} moments ago; try again in ${retryAfter} s`,
      },
      request: { method: res.req.method, url: res.req.originalUrl },
      response: { statusCode: 429 },
    });
    return true;
  }

  router.get('/environments/:instance/:name', async (req, res) => {
    const { instance, name } = await authorizeEnvironment(
      req,
      blueberryEnvironmentReadPermission,
    );
    res.json(await environments.environment(instance, name));
  });

  router.post('/environments/:instance/:name/refresh', async (req, res) => {
    const { instance, name } = await authorizeEnvironment(
      req,
      blueberryEnvironmentSyncPermission,
    );
    if (rateLimited(res, 'refresh', instance, name)) return;
    await environments.refresh(instance, name);
    res.status(202).json({ accepted: true });
  });

  router.post('/environments/:instance/:name/sync', async (req, res) => {
    const { instance, name } = await authorizeEnvironment(
      req,
      blueberryEnvironmentSyncPermission,
    );
    if (rateLimited(res, 'sync', instance, name)) return;
    await environments.sync(instance, name);
    res.status(202).json({ accepted: true });
  });

  // Keep: the same checks as sync, then one commit to the GitOps repository moving the expiry out.
  router.post('/environments/:instance/:name/keep', async (req, res) => {
    const { name, credentials } = await authorizeEnvironment(
      req,
      blueberryEnvironmentSyncPermission,
    );
    if (!keeper) {
      throw new ServiceUnavailableError(
        'Keeping environments needs a GitOps repository for the lifecycle (blueberry.gitops.local)',
      );
    }
    const kept = await keeper.keep({
      environment: name,
      requestedBy: requesterOf(credentials),
    });
    res.status(202).json({
      expiresAt: kept.expiresAt,
      previousExpiresAt: kept.previousExpiresAt,
      commit: kept.change,
    });
  });

  // Drift: what differs from Git in the cluster now, read-only (self-heal, when on, puts it back).
  router.get('/environments/:instance/:name/drift', async (req, res) => {
    const { instance, name } = await authorizeEnvironment(
      req,
      blueberryEnvironmentReadPermission,
    );
    res.json(await environments.drift(instance, name));
  });

  router.get('/environments/:instance/:name/history', async (req, res) => {
    const { instance, name } = await authorizeEnvironment(
      req,
      blueberryEnvironmentReadPermission,
      historyQuery,
    );
    const { limit, cursor } = parse(historyQuery, req.query, 'query');
    res.json(
      await requireHistory().history(
        name,
        environments.application(instance, name),
        { limit, cursor },
      ),
    );
  });

  // Rollback: one change restoring the environment's folder to its files at `revision`.
  router.post(
    '/environments/:instance/:name/rollback',
    express.json({ limit: '4kb' }),
    async (req, res) => {
      const { instance, name, credentials } = await authorizeEnvironment(
        req,
        blueberryEnvironmentRollbackPermission,
      );
      const { revision } = parse(rollbackBody, req.body ?? {}, 'body');
      const service = requireHistory();
      if (rateLimited(res, 'rollback', instance, name)) return;
      const change = await service.rollback({
        environment: name,
        revision,
        requestedBy: requesterOf(credentials),
      });
      res.status(202).json({ change });
    },
  );

  function requireHistory(): EnvironmentHistory {
    if (!history) {
      throw new ServiceUnavailableError(
        'History and rollback need a GitOps repository (blueberry.gitops.local or blueberry.gitops.gitlab)',
      );
    }
    return history;
  }

  // Argo CD asked us to wait (429 or 503 with Retry-After): our caller is told the same.
  router.use(
    (
      error: unknown,
      _req: express.Request,
      res: express.Response,
      next: express.NextFunction,
    ) => {
      const cause = (error as { cause?: unknown })?.cause;
      if (cause instanceof ArgoCdError && cause.retryAfterSeconds !== undefined)
        res.set('Retry-After', String(cause.retryAfterSeconds));
      next(error);
    },
  );

  return router;
}

/**
 * An entity's link and the key its answer is cached under, worked out once per entity object: the
 * access cache hands every view within its TTL the same object, so a view does not parse the
 * annotations again. An Error when an annotation is malformed.
 */
const linksByEntity = new WeakMap<
  Entity,
  { link?: EntityLink; answerKey: string } | Error
>();
function linkOf(
  entity: Entity,
): { link?: EntityLink; answerKey: string } | Error {
  let linked = linksByEntity.get(entity);
  if (!linked) {
    try {
      linked = {
        link: entityLinkOf(entity),
        answerKey: `${stringifyEntityRef(entity)}\n${JSON.stringify(
          entity.metadata.annotations ?? {},
        )}`,
      };
    } catch (error) {
      linked = error as Error;
    }
    linksByEntity.set(entity, linked);
  }
  return linked;
}

/**
 * Sends an answer prepared once (SerializedAnswer) as it is: Express's `send` would look up the
 * type, measure and check freshness again on every view. `no-cache` makes browsers revalidate, so a
 * repeated view of an unchanged answer is a 304 without a body. The compression middleware leaves a
 * body with a Content-Encoding alone.
 */
function sendPrepared(
  req: express.Request,
  res: express.Response,
  answer: { body: Buffer; etag: string },
  gzip: boolean,
): void {
  res.vary('Accept-Encoding');
  res.setHeader('ETag', answer.etag);
  res.setHeader('Cache-Control', 'private, no-cache');
  if (req.fresh) {
    res.statusCode = 304;
    res.end();
    return;
  }
  if (gzip) res.setHeader('Content-Encoding', 'gzip');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', answer.body.length);
  res.end(answer.body);
}

/** The source entity the environment records, normalised; undefined when absent or malformed. */
function recordedSourceEntity(app: ArgoApplication): string | undefined {
  const value = app.metadata?.annotations?.[BLUEBERRY_ANNOTATIONS.sourceEntity];
  if (!value) return undefined;
  try {
    return stringifyEntityRef(parseEntityRef(value));
  } catch {
    return undefined;
  }
}

/** Who asks, for a commit's Requested-by: the user entity ref, or the service's subject. */
function requesterOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  return principal.userEntityRef ?? `${principal.type}:${principal.subject}`;
}

/** The user entity ref of a user caller; undefined for a service. */
function userOf(credentials: BackstageCredentials): string | undefined {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
  };
  return principal.type === 'user' ? principal.userEntityRef : undefined;
}

function safeLink(entity: Entity): EntityLink | undefined {
  const linked = linkOf(entity);
  return linked instanceof Error ? undefined : linked.link;
}
