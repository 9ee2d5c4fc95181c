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
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  blueberryEnvironmentReadPermission,
  blueberryEnvironmentSyncPermission,
} from '@blueberry-idp/plugin-blueberry-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ArgoCdError } from './argocd/errors';
import type { EntityAccess } from './services/EntityAccess';
import { EntityLink, entityLinkOf } from './services/entityLinks';
import { environmentOwners } from './services/environmentOwners';
import type { EnvironmentService } from './services/EnvironmentService';
import type { EnvironmentKeeper } from './services/lifecycle/EnvironmentKeeper';
import type { SignalPublisher } from './services/SignalPublisher';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  catalog: CatalogService;
  access: EntityAccess;
  environments: EnvironmentService;
  signals: SignalPublisher;
  /** Extends expiries; undefined when no GitOps repository is configured for the lifecycle. */
  keeper?: EnvironmentKeeper;
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
  const { httpAuth, catalog, access, environments, signals, keeper } = options;
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
    signals.watch(entityRef, linked.link);
    const answer = await environments.environmentsJsonFor(
      linked.link,
      linked.answerKey,
    );
    const gzip = req.acceptsEncodings('gzip', 'identity') === 'gzip';
    sendPrepared(req, res, gzip ? await answer.gzipped() : answer, gzip);
  });

  /**
   * Single-environment routes check the permission on an entity the environment belongs to: the
   * `entityRef` the caller names (the page it is on) when given, which must link to the environment;
   * otherwise the environment's owners (environmentOwners), the first one granted wins.
   */
  async function authorizeEnvironment(
    req: express.Request,
    permission: ResourcePermission<'catalog-entity'>,
  ): Promise<{
    instance: string;
    name: string;
    credentials: BackstageCredentials;
  }> {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { instance, name } = parse(environmentParams, req.params, 'path');
    const { entityRef } = parse(environmentQuery, req.query, 'query');
    if (entityRef) {
      const entity = await access.authorize(entityRef, permission, credentials);
      const app = environments.application(instance, name);
      const link = safeLink(entity);
      if (
        !link ||
        !link.matches(app) ||
        (link.instances && !link.instances.includes(instance))
      ) {
        throw new NotFoundError(
          `Environment '${name}' does not belong to ${entityRef}`,
        );
      }
      return { instance, name, credentials };
    }
    const app = environments.application(instance, name);
    const owners = await environmentOwners(app, catalog, credentials);
    for (const owner of owners) {
      if (await isGranted(owner, permission, credentials))
        return { instance, name, credentials };
    }
    throw new NotAllowedError(
      owners.length
        ? `Not allowed: ${permission.name} on the entities of environment '${name}'`
        : `Environment '${name}' belongs to no catalog entity you can see; pass ?entityRef=`,
    );
  }

  async function isGranted(
    entityRef: string,
    permission: ResourcePermission<'catalog-entity'>,
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    try {
      await access.authorize(entityRef, permission, credentials);
      return true;
    } catch (error) {
      if (error instanceof NotAllowedError || error instanceof NotFoundError)
        return false;
      throw error;
    }
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
    await environments.refresh(instance, name);
    res.status(202).json({ accepted: true });
  });

  router.post('/environments/:instance/:name/sync', async (req, res) => {
    const { instance, name } = await authorizeEnvironment(
      req,
      blueberryEnvironmentSyncPermission,
    );
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
    const principal = credentials.principal as {
      type: string;
      userEntityRef?: string;
      subject?: string;
    };
    const requestedBy =
      principal.userEntityRef ?? `${principal.type}:${principal.subject}`;
    const kept = await keeper.keep({ environment: name, requestedBy });
    res.status(202).json({
      expiresAt: kept.expiresAt,
      previousExpiresAt: kept.previousExpiresAt,
      commit: kept.change,
    });
  });

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

function safeLink(entity: Entity): EntityLink | undefined {
  const linked = linkOf(entity);
  return linked instanceof Error ? undefined : linked.link;
}
