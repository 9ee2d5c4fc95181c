import { InputError } from '@backstage/errors';
import {
  COMPONENT_ROLES,
  type ComponentRole,
} from '@blueberry-idp/plugin-blueberry-common';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ttlHours, ttlProblem } from '../ttl';
import {
  inputErrorFromZod,
  MAX_COMPONENTS,
} from '../validation/environmentRequest';
import { PATTERN_VARIABLES, patternProblem } from './patterns';

/** @public */
export const BLUEPRINT_API_VERSION = 'blueberry.io/v1alpha1';
/** @public */
export const BLUEPRINT_KIND = 'EnvironmentBlueprint';

/**
 * One component of a blueprint: its chart, the image it builds, its host and values files.
 *
 * @public
 */
export interface BlueprintComponent {
  name: string;
  role: ComponentRole;
  chart: {
    repoURL: string;
    chart?: string;
    path?: string;
    targetRevision: string;
  };
  /** The repository only (registry/path); the tag is a pattern such as `{shortSha}`. */
  image?: { repository: string; tag: string };
  /** Overrides `spec.hosts` for this component; a pattern over `{component}` and `{environment}`. */
  host?: string;
  /** Values files, as paths inside the application's repository. */
  values?: string[];
}

/**
 * An application's environment blueprint (`kind: EnvironmentBlueprint`), as checked here.
 *
 * @public
 */
export interface EnvironmentBlueprint {
  apiVersion: typeof BLUEPRINT_API_VERSION;
  kind: typeof BLUEPRINT_KIND;
  metadata?: { name?: string; [key: string]: unknown };
  spec: {
    components: BlueprintComponent[];
    hosts?: string;
    ttl?: string;
    maxTtl?: string;
  };
}

const MAX_VALUE_FILES = 10;

const ttl = z.string().superRefine((value, ctx) => {
  const problem = ttlProblem(value);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
});

/** A pattern over the placeholders `allowed`; an unknown placeholder is refused by name. */
const pattern = (allowed: readonly string[]) =>
  z
    .string()
    .min(1, 'must not be empty')
    .superRefine((value, ctx) => {
      const problem = patternProblem(value, allowed);
      if (problem)
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
    });

// A path inside the application's repository: relative, no `..`, no scheme.
const valuesPath = z
  .string()
  .min(1, 'must not be empty')
  .refine(
    p =>
      !p.startsWith('/') &&
      !/^[a-z][a-z0-9+.-]*:/i.test(p) &&
      !p.split('/').includes('..'),
    'must be a path inside the application repository (relative, without "..")',
  );

const componentSchema = z
  .object({
    name: z.string(),
    role: z.enum(COMPONENT_ROLES),
    chart: z
      .object({
        repoURL: z.string(),
        chart: z.string().optional(),
        path: z.string().optional(),
        targetRevision: z.string(),
      })
      .strict(),
    image: z
      .object({
        repository: z
          .string()
          .min(1, 'must not be empty')
          .refine(
            r => !r.includes('@') && !/:[^/]*$/.test(r.replace(/^[^/]*\//, '')),
            'must be the repository only (registry/path), without a tag or digest: the tag comes from image.tag',
          ),
        tag: pattern(PATTERN_VARIABLES.tag).refine(
          t => t !== 'latest',
          "must not be 'latest': give a tag pattern such as {shortSha}, or a fixed version",
        ),
      })
      .strict()
      .optional(),
    /** Overrides `spec.hosts` for this component; a pattern over `{component}` and `{environment}`. */
    host: pattern(PATTERN_VARIABLES.host).optional(),
    values: z.array(valuesPath).max(MAX_VALUE_FILES).optional(),
  })
  .strict();

// The public types above are spelled out so the schema can stay private; `satisfies` keeps the
// schema's output assignable to them.
const blueprintSchema = z
  .object({
    apiVersion: z.literal(BLUEPRINT_API_VERSION, {
      errorMap: () => ({ message: `must be ${BLUEPRINT_API_VERSION}` }),
    }),
    kind: z.literal(BLUEPRINT_KIND, {
      errorMap: () => ({ message: `must be ${BLUEPRINT_KIND}` }),
    }),
    metadata: z
      .object({ name: z.string().optional() })
      .passthrough()
      .optional(),
    spec: z
      .object({
        components: z
          .array(componentSchema)
          .min(1, 'must list at least one component')
          .max(MAX_COMPONENTS),
        hosts: pattern(PATTERN_VARIABLES.host).optional(),
        ttl: ttl.optional(),
        maxTtl: ttl.optional(),
      })
      .strict()
      .superRefine((spec, ctx) => {
        if (
          spec.ttl &&
          spec.maxTtl &&
          !ttlProblem(spec.ttl) &&
          !ttlProblem(spec.maxTtl) &&
          ttlHours(spec.ttl) > ttlHours(spec.maxTtl)
        ) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: ['ttl'],
            message: `must not be longer than spec.maxTtl (${spec.maxTtl})`,
          });
        }
        const names = new Set<string>();
        spec.components.forEach((component, i) => {
          if (names.has(component.name)) {
            ctx.addIssue({
              code: z.ZodIssueCode.custom,
              path: ['components', i, 'name'],
              message: `duplicates component '${component.name}'`,
            });
          }
          names.add(component.name);
        });
      }),
  })
  .strict() satisfies z.ZodType<EnvironmentBlueprint, z.ZodTypeDef, unknown>;

/**
 * Reads a blueprint's YAML; an InputError names where it came from, and each field and the rule it
 * breaks (`spec.components[0].image.tag ...`). The component rules the renderer applies (names,
 * charts, hosts) are checked again on the environment it makes, with the same messages.
 *
 * @public
 */
export function parseBlueprint(
  text: string,
  source: string,
): EnvironmentBlueprint {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new InputError(
      `Blueprint ${source} is not valid YAML: ${(error as Error).message}`,
    );
  }
  const parsed = blueprintSchema.safeParse(document ?? {});
  if (!parsed.success) {
    throw inputErrorFromZod(parsed.error, `blueprint ${source}`);
  }
  return parsed.data;
}
