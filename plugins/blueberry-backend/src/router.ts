import type {
  AuthService,
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  blueberryEnvironmentReadPermission,
  blueberryEnvironmentRollbackPermission,
  blueberryEnvironmentSyncPermission,
} from '@blueberry-idp/plugin-blueberry-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ArgoCdError } from './argocd/errors';
import { sendPreparedJson } from './http/preparedJson';
import { TooManyRequestsError } from './http/TooManyRequestsError';
import type { ActionRateLimiter } from './services/ActionRateLimiter';
import type { EnvironmentAccess } from './services/EnvironmentAccess';
import type { EnvironmentService } from './services/EnvironmentService';
import type { EnvironmentHistory } from './services/history/EnvironmentHistory';
import type { EnvironmentKeeper } from './services/lifecycle/EnvironmentKeeper';
import type { SignalPublisher } from './services/SignalPublisher';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  auth: AuthService;
  access: EnvironmentAccess;
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
 * The REST API of DESIGN section 5 (src/schema/openapi.yaml). HTTP only: validation, credentials and
 * answers; who may see what is EnvironmentAccess's, the answers are EnvironmentService's, and errors
 * are Backstage's error handler's.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const {
    httpAuth,
    auth,
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
    const link = await access.readableLink(entityRef, credentials);
    if (!link) {
      res.json({ items: [], errors: [] });
      return;
    }
    signals.watch(entityRef, link, userOf(auth, credentials));
    await sendPreparedJson(req, res, await environments.environmentsFor(link));
  });

  /** The caller's credentials once EnvironmentAccess allows `permission` on the environment. */
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
    await access.authorizeEnvironment({
      instance,
      name,
      entityRef,
      permission,
      credentials,
    });
    return { instance, name, credentials };
  }

  /** Refuses a second `action` on the environment within the interval (429, Retry-After). */
  function refuseIfRateLimited(
    res: express.Response,
    action: 'refresh' | 'sync' | 'rollback',
    instance: string,
    name: string,
  ): void {
    const retryAfter = rateLimiter.take(action, instance, name);
    if (retryAfter === undefined) return;
    res.set('Retry-After', String(retryAfter));
    throw new TooManyRequestsError(
      `Environment '${name}' was asked to ${action} moments ago; try again in ${retryAfter} s`,
    );
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
    refuseIfRateLimited(res, 'refresh', instance, name);
    await passingRetryAfter(res, environments.refresh(instance, name));
    res.status(202).json({ accepted: true });
  });

  router.post('/environments/:instance/:name/sync', async (req, res) => {
    const { instance, name } = await authorizeEnvironment(
      req,
      blueberryEnvironmentSyncPermission,
    );
    refuseIfRateLimited(res, 'sync', instance, name);
    await passingRetryAfter(res, environments.sync(instance, name));
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
      requestedBy: requesterOf(auth, credentials),
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
    res.json(await passingRetryAfter(res, environments.drift(instance, name)));
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
      refuseIfRateLimited(res, 'rollback', instance, name);
      const change = await service.rollback({
        environment: name,
        revision,
        requestedBy: requesterOf(auth, credentials),
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

  return router;
}

/**
 * Argo CD asked us to wait (429 or 503 with Retry-After; EnvironmentService passes its error on as
 * the cause of a ServiceUnavailableError): our caller is told the same.
 */
async function passingRetryAfter<T>(
  res: express.Response,
  work: Promise<T>,
): Promise<T> {
  try {
    return await work;
  } catch (error) {
    const cause = error instanceof Error ? error.cause : undefined;
    if (cause instanceof ArgoCdError && cause.retryAfterSeconds !== undefined)
      res.set('Retry-After', String(cause.retryAfterSeconds));
    throw error;
  }
}

/** Who asks, for a commit's Requested-by: the user entity ref, or the service's subject. */
function requesterOf(
  auth: AuthService,
  credentials: BackstageCredentials,
): string {
  if (auth.isPrincipal(credentials, 'user'))
    return credentials.principal.userEntityRef;
  if (auth.isPrincipal(credentials, 'service'))
    return `service:${credentials.principal.subject}`;
  throw new Error('Only a user or a service asks for a change');
}

/** The user entity ref of a user caller; undefined for a service. */
function userOf(
  auth: AuthService,
  credentials: BackstageCredentials,
): string | undefined {
  return auth.isPrincipal(credentials, 'user')
    ? credentials.principal.userEntityRef
    : undefined;
}
