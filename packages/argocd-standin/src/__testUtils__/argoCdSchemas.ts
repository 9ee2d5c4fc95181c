import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

/**
 * Validators for Argo CD's own schemas, read at test time from the shared reference data
 * (`$BLUEBERRY_SHARED_DIR/argocd`, default `<repo root>/../shared/argocd`), never copied into the repo.
 */
export function sharedArgoCdDir(): string {
  const shared =
    process.env.BLUEBERRY_SHARED_DIR ??
    resolve(__dirname, '../../../../../shared');
  return resolve(shared, 'argocd');
}

export function readSharedYaml(relative: string): any {
  return parse(readFileSync(resolve(sharedArgoCdDir(), relative), 'utf8'));
}

export function readSharedYamlDocuments(relative: string): any[] {
  return parseAllDocuments(
    readFileSync(resolve(sharedArgoCdDir(), relative), 'utf8'),
  ).map(d => d.toJS());
}

export interface Validator {
  (value: unknown): boolean;
  /** Why the last value failed, one line per error. */
  errors(): string;
}

function wrap(fn: ValidateFunction): Validator {
  const validator = ((value: unknown) => fn(value) as boolean) as Validator;
  validator.errors = () => formatErrors(fn.errors);
  return validator;
}

function formatErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 20)
    .map(
      e =>
        `${e.instancePath || '/'} ${e.message}${
          e.params && 'additionalProperty' in e.params
            ? ` (${(e.params as any).additionalProperty})`
            : ''
        }`,
    )
    .join('\n');
}

function newAjv(): Ajv {
  // strict: false lets Ajv skip the OpenAPI/Kubernetes keywords that are not JSON Schema
  // (x-kubernetes-*, title on $ref siblings); formats (int64, int32, byte, date-time) are checked.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv;
}

/**
 * Makes every object schema that lists its properties refuse undeclared ones. swagger.json leaves
 * additionalProperties open; this stricter reading catches a misspelt field the stand-in might
 * invent (`syncwave` for `syncWave`), which the spec alone would let through.
 */
function closeObjects(schema: any): any {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (!schema || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [k, v] of Object.entries(schema)) {
    out[k] =
      k === 'properties' || k === 'definitions'
        ? Object.fromEntries(
            Object.entries(v as object).map(([pk, pv]) => [
              pk,
              closeObjects(pv),
            ]),
          )
        : closeObjects(v);
  }
  if (out.properties && out.additionalProperties === undefined && !out.allOf) {
    out.additionalProperties = false;
  }
  return out;
}

/** Folds `allOf: [{$ref}]` into the object (swagger's ResourceNode extends ResourceRef that way). */
function foldAllOf(definitions: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...definitions };
  for (const [name, def] of Object.entries(definitions)) {
    if (!def.allOf) continue;
    const properties = { ...def.properties };
    for (const part of def.allOf) {
      const ref = part.$ref?.replace('#/definitions/', '');
      Object.assign(
        properties,
        ref ? definitions[ref].properties : part.properties,
      );
    }
    const { allOf: _allOf, ...rest } = def;
    out[name] = { ...rest, properties };
  }
  return out;
}

const STREAM_PATH = '/api/v1/stream/applications';

export interface ArgoCdValidators {
  /** A `#/definitions/<name>` of swagger.json, additionalProperties as the spec says (open). */
  swagger(definition: string): Validator;
  /** The same definition with undeclared properties refused (see closeObjects). */
  swaggerClosed(definition: string): Validator;
  /** One watch stream line (`streamresult_of_v1alpha1ApplicationWatchEvent`). */
  streamResult(closed?: boolean): Validator;
  /** application-crd.yaml's openAPIV3Schema. */
  applicationCrd(): Validator;
}

export function createArgoCdValidators(): ArgoCdValidators {
  const swagger = JSON.parse(
    readFileSync(resolve(sharedArgoCdDir(), 'swagger.json'), 'utf8'),
  );
  const streamSchema = swagger.paths[STREAM_PATH].get.responses['200'].schema;
  const open = newAjv();
  open.addSchema(
    { definitions: swagger.definitions, stream: streamSchema },
    'swagger',
  );
  const closed = newAjv();
  closed.addSchema(
    closeObjects({
      definitions: foldAllOf(swagger.definitions),
      stream: streamSchema,
    }),
    'swagger',
  );
  const crd = readSharedYaml('application-crd.yaml');
  const crdSchema = crd.spec.versions.find((v: any) => v.name === 'v1alpha1')
    .schema.openAPIV3Schema;
  const crdAjv = newAjv();
  const cache = new Map<string, Validator>();
  const cached = (key: string, make: () => Validator) => {
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key)!;
  };
  return {
    swagger: definition => {
      if (!swagger.definitions[definition])
        throw new Error(`no definition ${definition}`);
      return cached(`open:${definition}`, () =>
        wrap(open.compile({ $ref: `swagger#/definitions/${definition}` })),
      );
    },
    swaggerClosed: definition => {
      if (!swagger.definitions[definition])
        throw new Error(`no definition ${definition}`);
      return cached(`closed:${definition}`, () =>
        wrap(closed.compile({ $ref: `swagger#/definitions/${definition}` })),
      );
    },
    streamResult: (isClosed = false) =>
      cached(`stream:${isClosed}`, () =>
        wrap((isClosed ? closed : open).compile({ $ref: 'swagger#/stream' })),
      ),
    applicationCrd: () => cached('crd', () => wrap(crdAjv.compile(crdSchema))),
  };
}
