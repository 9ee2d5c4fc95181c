import { InputError } from '@backstage/errors';
import {
  COMPONENT_ROLES,
  ENVIRONMENT_TYPES,
  SECRET_REFERENCE_KINDS,
  EnvironmentSpec,
  labelValueProblem,
  nameProblem,
  ownerLabelValue,
} from '@blueberry-idp/plugin-blueberry-common';
import { z } from 'zod';
import { expiresAt, ttlProblem } from '../ttl';
import {
  chartNameProblem,
  chartSourceProblem,
  entityRefProblem,
  hostProblem,
  imageProblem,
  targetRevisionProblem,
  webUrlProblem,
} from './rules';
import { valuesProblem } from './secrets';

/**
 * What a user asks for: the environment spec with a TTL instead of an expiry time. This is the model
 * of the `blueberry:environment:create` input, without the action's own options (update, targetPath).
 *
 * @public
 */
export type EnvironmentRequest = Omit<EnvironmentSpec, 'expiresAt' | 'type'> & {
  type?: EnvironmentSpec['type'];
  /** How long the environment may live, such as `72h` or `7d`. */
  ttl?: string;
};

/** @public */
export const MAX_COMPONENTS = 20;
const MAX_VALUES_BYTES = 256 * 1024;

/**
 * Namespaces an environment must never take: its Application carries the resources finalizer, so
 * deleting the environment would delete the namespace and everything in it.
 */
const RESERVED_NAMES = new Set(['default', 'argocd', 'blueberry-root']);
const RESERVED_PREFIXES = ['kube-', 'openshift-', 'argocd-'];

function check(
  ctx: z.RefinementCtx,
  path: (string | number)[],
  problem: string | undefined,
) {
  if (problem)
    ctx.addIssue({ code: z.ZodIssueCode.custom, path, message: problem });
}

const chartSchema = z
  .object({
    repoURL: z.string(),
    chart: z.string().optional(),
    path: z.string().optional(),
    targetRevision: z.string(),
  })
  .strict()
  .superRefine((chart, ctx) => {
    const problem = chartSourceProblem(chart);
    if (problem) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: [problem.field],
        message: problem.message,
      });
      return;
    }
    if (chart.chart !== undefined)
      check(ctx, ['chart'], chartNameProblem(chart.chart));
    check(ctx, ['targetRevision'], targetRevisionProblem(chart.targetRevision));
  });

const componentSchema = z
  .object({
    name: z.string(),
    role: z.enum(COMPONENT_ROLES),
    image: z.string().optional(),
    chart: chartSchema,
    host: z.string().optional(),
    // Kept as given (not copied by zod), so keys such as __proto__ reach the checks below.
    values: z
      .custom<Record<string, unknown>>(
        v => v !== null && typeof v === 'object' && !Array.isArray(v),
        { message: 'must be an object of Helm values' },
      )
      .optional(),
  })
  .strict()
  .superRefine((component, ctx) => {
    check(ctx, ['name'], nameProblem(component.name));
    if (component.name === 'application') {
      // values/application.yaml would match the root Application's include glob */application.yaml.
      check(
        ctx,
        ['name'],
        "must not be 'application' (reserved for the environment's Application file)",
      );
    }
    if (component.image !== undefined)
      check(ctx, ['image'], imageProblem(component.image));
    else if (component.role !== 'database') {
      check(
        ctx,
        ['image'],
        `is required for a ${component.role} (pinned by digest)`,
      );
    }
    if (component.host !== undefined) {
      check(ctx, ['host'], hostProblem(component.host));
      if (component.role === 'database')
        check(
          ctx,
          ['host'],
          'is not allowed for a database: databases get no Ingress',
        );
    } else if (component.role === 'frontend') {
      check(
        ctx,
        ['host'],
        'is required for a frontend (its preview host name)',
      );
    }
    if (component.values !== undefined) {
      if ('blueberry' in component.values) {
        check(
          ctx,
          ['values', 'blueberry'],
          'is reserved for the block Blueberry writes',
        );
      }
      const problem = valuesProblem(component.values, 'values');
      if (problem) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [],
          message: `${problem.path} ${problem.rule}`,
        });
      } else if (JSON.stringify(component.values).length > MAX_VALUES_BYTES) {
        check(
          ctx,
          ['values'],
          `must be at most ${MAX_VALUES_BYTES} bytes as JSON`,
        );
      }
    }
  });

/**
 * A secret reference: an ExternalSecret or a SealedSecret, never a `Secret` (whose data would sit in
 * Git in the clear). Its spec holds store references or ciphertext, checked like values for
 * credential-looking strings.
 */
const secretReferenceSchema = z
  .object({
    kind: z.enum(SECRET_REFERENCE_KINDS, {
      errorMap: () => ({
        message:
          'must be ExternalSecret or SealedSecret: a Secret would put its data in Git in the clear',
      }),
    }),
    name: z.string(),
    spec: z.custom<Record<string, unknown>>(
      v => v !== null && typeof v === 'object' && !Array.isArray(v),
      { message: "must be an object (the kind's spec)" },
    ),
  })
  .strict()
  .superRefine((secret, ctx) => {
    check(ctx, ['name'], nameProblem(secret.name));
    const problem = valuesProblem(
      { kind: secret.kind, spec: secret.spec },
      'spec',
    );
    if (problem)
      check(
        ctx,
        [],
        `${problem.path.replace(/^spec\.spec/, 'spec')} ${problem.rule}`,
      );
    if (secret.kind === 'SealedSecret') {
      const encrypted = secret.spec.encryptedData;
      if (
        !encrypted ||
        typeof encrypted !== 'object' ||
        Object.values(encrypted).some(v => typeof v !== 'string')
      )
        check(
          ctx,
          ['spec', 'encryptedData'],
          'must map keys to ciphertext from kubeseal',
        );
    } else if (!secret.spec.secretStoreRef && !secret.spec.dataFrom) {
      check(
        ctx,
        ['spec'],
        'must name a secretStoreRef (or dataFrom) to fetch the secret from',
      );
    }
  });

const environmentObject = z.object({
  name: z.string(),
  app: z.string(),
  owner: z.string(),
  type: z.enum(ENVIRONMENT_TYPES).default('pull-request'),
  pullRequest: z
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1)
    .optional(),
  mergeRequestUrl: z.string().optional(),
  commit: z
    .string()
    .regex(
      /^[0-9a-f]{40}$/,
      'must be a full commit SHA (40 lowercase hex digits)',
    )
    .optional(),
  sourceEntity: z.string().optional(),
  components: z.array(componentSchema).min(1).max(MAX_COMPONENTS),
  secrets: z.array(secretReferenceSchema).max(MAX_COMPONENTS).optional(),
});

/** The rules shared by a request (with a TTL) and a spec (with an expiry time). */
function checkEnvironment(
  request: z.infer<typeof environmentObject>,
  ctx: z.RefinementCtx,
) {
  check(ctx, ['name'], nameProblem(request.name));
  if (
    RESERVED_NAMES.has(request.name) ||
    RESERVED_PREFIXES.some(prefix => request.name.startsWith(prefix))
  ) {
    check(
      ctx,
      ['name'],
      'is reserved: it names a system namespace that deleting the environment would delete',
    );
  }
  check(
    ctx,
    ['app'],
    request.app ? labelValueProblem(request.app) : 'must not be empty',
  );
  const ownerProblem = entityRefProblem(request.owner);
  check(ctx, ['owner'], ownerProblem);
  if (!ownerProblem && !ownerLabelValue(request.owner)) {
    check(
      ctx,
      ['owner'],
      'must end in a name that is a valid label value (at most 63 characters)',
    );
  }
  if (request.sourceEntity !== undefined)
    check(ctx, ['sourceEntity'], entityRefProblem(request.sourceEntity));
  if (request.mergeRequestUrl !== undefined)
    check(ctx, ['mergeRequestUrl'], webUrlProblem(request.mergeRequestUrl));
  if (request.type === 'pull-request' && request.pullRequest === undefined) {
    check(
      ctx,
      ['pullRequest'],
      'is required for a pull-request environment (its merge request number)',
    );
  }
  const secretNames = new Set<string>();
  (request.secrets ?? []).forEach((secret, i) => {
    if (secretNames.has(secret.name))
      check(ctx, ['secrets', i, 'name'], `duplicates secret '${secret.name}'`);
    secretNames.add(secret.name);
  });
  const names = new Set<string>();
  const hosts = new Set<string>();
  request.components.forEach((component, i) => {
    if (names.has(component.name))
      check(
        ctx,
        ['components', i, 'name'],
        `duplicates component '${component.name}'`,
      );
    names.add(component.name);
    if (component.host !== undefined) {
      if (hosts.has(component.host))
        check(
          ctx,
          ['components', i, 'host'],
          `duplicates host '${component.host}'`,
        );
      hosts.add(component.host);
    }
  });
}

const requestSchema = environmentObject
  .extend({ ttl: z.string().optional() })
  .strict()
  .superRefine((request, ctx) => {
    checkEnvironment(request, ctx);
    if (request.ttl !== undefined) {
      check(ctx, ['ttl'], ttlProblem(request.ttl));
      if (request.type === 'long-lived')
        check(ctx, ['ttl'], 'is not allowed for a long-lived environment');
    }
  });

const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

const specSchema = environmentObject
  .extend({ expiresAt: z.string().optional() })
  .strict()
  .superRefine((spec, ctx) => {
    checkEnvironment(spec, ctx);
    if (spec.expiresAt !== undefined) {
      if (
        !RFC3339_UTC.test(spec.expiresAt) ||
        Number.isNaN(Date.parse(spec.expiresAt))
      ) {
        check(
          ctx,
          ['expiresAt'],
          'must be an RFC 3339 UTC time such as 2030-01-31T12:00:00Z',
        );
      }
      if (spec.type === 'long-lived')
        check(
          ctx,
          ['expiresAt'],
          'is not allowed for a long-lived environment',
        );
    }
  });

function fieldName(path: (string | number)[]): string {
  let name = '';
  for (const part of path) {
    if (typeof part === 'number') name += `[${part}]`;
    else name += name ? `.${part}` : part;
  }
  return name;
}

/**
 * Turns zod's issues into one InputError that names each field and the rule it breaks.
 *
 * @public
 */
export function inputErrorFromZod(error: z.ZodError, what: string): InputError {
  const problems = error.issues.map(issue => {
    const field = fieldName(issue.path);
    return field ? `${field} ${issue.message}` : issue.message;
  });
  return new InputError(`Invalid ${what}: ${problems.join('; ')}`);
}

/**
 * A component's host may be a pattern over `{component}` and `{environment}`, as a blueprint's
 * `spec.hosts` is (the template's defaults are `{component}-{environment}.preview.localhost`), so
 * that each environment gets hosts of its own. Expanded before the checks, which then see real names.
 */
function expandHostPatterns(input: unknown): unknown {
  if (!input || typeof input !== 'object') return input;
  const request = input as Record<string, unknown>;
  if (typeof request.name !== 'string' || !Array.isArray(request.components))
    return input;
  const environment = request.name;
  return {
    ...request,
    components: request.components.map(component => {
      if (!component || typeof component !== 'object') return component;
      const { host, name } = component as Record<string, unknown>;
      if (typeof host !== 'string' || typeof name !== 'string')
        return component;
      return {
        ...component,
        host: host
          .replaceAll('{environment}', environment)
          .replaceAll('{component}', name),
      };
    }),
  };
}

/**
 * Checks a request against every rule of DESIGN section 3 and turns it into the renderer's spec.
 * Throws an InputError naming each field and rule broken; the expiry is counted from `now`.
 *
 * @public
 */
export function validateEnvironmentRequest(
  input: unknown,
  options: { now: Date },
): EnvironmentSpec {
  const parsed = requestSchema.safeParse(expandHostPatterns(input));
  if (!parsed.success)
    throw inputErrorFromZod(parsed.error, 'environment request');
  const { ttl, ...request } = parsed.data;
  const spec: EnvironmentSpec = {
    ...request,
    components: request.components.map(c => ({ ...c })),
  };
  if (ttl !== undefined) spec.expiresAt = expiresAt(ttl, options.now);
  return spec;
}

/**
 * Checks a spec (the renderer's input) against the same rules; throws an InputError.
 *
 * @public
 */
export function validateEnvironmentSpec(input: unknown): EnvironmentSpec {
  const parsed = specSchema.safeParse(input);
  if (!parsed.success)
    throw inputErrorFromZod(parsed.error, 'environment spec');
  return parsed.data;
}

/**
 * Checks an environment name on its own (the destroy action, the commit action).
 *
 * @public
 */
export function validateEnvironmentName(name: unknown, field = 'name'): string {
  if (typeof name !== 'string')
    throw new InputError(`Invalid input: ${field} must be a string`);
  const problem = nameProblem(name);
  if (problem) throw new InputError(`Invalid input: ${field} ${problem}`);
  return name;
}
