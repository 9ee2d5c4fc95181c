import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';

/** GitHub's REST API description as @octokit/openapi ships it (api.github.com, not dereferenced). */
const DESCRIPTION = 'api.github.com.json';

type Json = Record<string, any>;

/** An operation of GitHub's API matched by method and path template. */
export interface GithubOperation {
  operationId: string;
  method: string;
  template: string;
  pathParams: Record<string, string>;
  operation: Json;
}

/** Statuses GitHub answers on any endpoint (authentication, not found, rate limits, outages), documented once for the whole API. */
const ANY_ENDPOINT_STATUSES = new Set([401, 403, 404, 429, 500, 502, 503]);

/**
 * Checks requests and responses against GitHub's official OpenAPI description
 * (`@octokit/openapi`): the operation is found by method and path template, path and query
 * parameters and JSON bodies are validated with ajv against the description's own schemas. OpenAPI
 * 3.0's `nullable` is rewritten to JSON Schema's `null` type once, on load.
 */
export class GithubOpenApi {
  static #loaded?: GithubOpenApi;

  /** The description is 13 MB: parsed once per test process. */
  static load(): GithubOpenApi {
    GithubOpenApi.#loaded ??= new GithubOpenApi(
      JSON.parse(
        readFileSync(
          require.resolve(`@octokit/openapi/generated/${DESCRIPTION}`),
          'utf8',
        ),
      ),
    );
    return GithubOpenApi.#loaded;
  }

  readonly #document: Json;
  readonly #ajv: Ajv;
  readonly #validators = new Map<string, ValidateFunction>();
  readonly #templates: Array<{
    template: string;
    pattern: RegExp;
    names: string[];
    literals: number;
  }>;

  private constructor(document: Json) {
    rewriteNullable(document);
    this.#document = document;
    this.#ajv = new Ajv({
      strict: false,
      allErrors: true,
      validateSchema: false,
      logger: false,
    });
    addFormats(this.#ajv);
    this.#ajv.addSchema(document, 'github');
    this.#templates = Object.keys(document.paths).map(template => {
      const names: string[] = [];
      const segments = template.split('/');
      const pattern = segments
        .map(segment => {
          const param = /^\{(.+)\}$/.exec(segment);
          if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(param[1]);
          return '([^/]+)';
        })
        .join('/');
      return {
        template,
        pattern: new RegExp(`^${pattern}$`),
        names,
        literals: segments.length - names.length,
      };
    });
  }

  /** The operation a request is for, or undefined when GitHub's API has none such. */
  operation(method: string, path: string): GithubOperation | undefined {
    const lower = method.toLowerCase();
    let best: GithubOperation | undefined;
    let bestLiterals = -1;
    for (const { template, pattern, names, literals } of this.#templates) {
      const match = pattern.exec(path);
      const operation = match && this.#document.paths[template][lower];
      if (!operation || literals <= bestLiterals) continue;
      bestLiterals = literals;
      best = {
        operationId: operation.operationId,
        method: lower,
        template,
        operation,
        pathParams: Object.fromEntries(
          names.map((name, i) => [name, decodeURIComponent(match[i + 1])]),
        ),
      };
    }
    return best;
  }

  /** Problems of a request against its operation; empty when GitHub would accept its shape. */
  requestProblems(
    operation: GithubOperation,
    query: URLSearchParams,
    body: unknown,
  ): string[] {
    const problems: string[] = [];
    const pointer = `/paths/${escape(operation.template)}/${operation.method}`;
    const parameters: Json[] = [
      ...(this.#document.paths[operation.template].parameters ?? []),
      ...(operation.operation.parameters ?? []),
    ].map(p => this.#resolve(p));
    const known = new Set<string>();
    for (const parameter of parameters) {
      let raw: string | undefined;
      if (parameter.in === 'path') raw = operation.pathParams[parameter.name];
      if (parameter.in === 'query')
        raw = query.get(parameter.name) ?? undefined;
      if (parameter.in === 'query') known.add(parameter.name);
      if (parameter.in !== 'path' && parameter.in !== 'query') continue;
      if (raw === undefined) {
        if (parameter.required) problems.push(`missing ${parameter.name}`);
        continue;
      }
      const value = coerce(raw, parameter.schema);
      const validate = this.#ajv.compile(parameter.schema);
      if (!validate(value)) {
        problems.push(
          `${parameter.in} parameter ${
            parameter.name
          }=${raw}: ${this.#ajv.errorsText(validate.errors)}`,
        );
      }
    }
    for (const name of query.keys()) {
      if (!known.has(name)) problems.push(`unknown query parameter ${name}`);
    }
    const requestBody = operation.operation.requestBody
      ? this.#resolve(operation.operation.requestBody)
      : undefined;
    if (requestBody?.content?.['application/json']) {
      if (body === undefined) {
        if (requestBody.required) problems.push('missing JSON body');
      } else {
        problems.push(
          ...this.#check(
            `${pointer}/requestBody/content/application~1json/schema`,
            body,
            'request body',
          ),
        );
      }
    } else if (body !== undefined) {
      problems.push('a body where the operation takes none');
    }
    return problems;
  }

  /** Problems of a response: its status must be documented and its body match the schema. */
  responseProblems(
    operation: GithubOperation,
    status: number,
    body: unknown,
  ): string[] {
    const documented = operation.operation.responses[String(status)];
    if (!documented) {
      if (ANY_ENDPOINT_STATUSES.has(status)) {
        return this.#check(
          '/components/schemas/basic-error',
          body,
          `${status}`,
        );
      }
      return [
        `status ${status} is not documented for ${operation.operationId}`,
      ];
    }
    const response = this.#resolve(documented);
    if (!response.content?.['application/json']) {
      return body === undefined ? [] : [`status ${status} has no body`];
    }
    const pointer = documented.$ref
      ? `${documented.$ref.slice(1)}/content/application~1json/schema`
      : `/paths/${escape(operation.template)}/${
          operation.method
        }/responses/${status}/content/application~1json/schema`;
    return this.#check(pointer, body, `${status} body`);
  }

  /** GitHub's own example of an operation's response, for a stand-in to start from. */
  example(operation: GithubOperation, status: number): any {
    const response = this.#resolve(
      operation.operation.responses[String(status)],
    );
    const examples = response.content?.['application/json']?.examples ?? {};
    const first = Object.values(examples)[0] as Json | undefined;
    if (!first) throw new Error(`no example for ${operation.operationId}`);
    return structuredClone(this.#resolve(first).value);
  }

  #check(pointer: string, value: unknown, what: string): string[] {
    let validate = this.#validators.get(pointer);
    if (!validate) {
      validate = this.#ajv.compile({ $ref: `github#${pointer}` });
      this.#validators.set(pointer, validate);
    }
    if (validate(value)) return [];
    return [`${what}: ${this.#ajv.errorsText(validate.errors)}`];
  }

  #resolve(value: Json): Json {
    if (!value?.$ref) return value;
    let target: any = this.#document;
    for (const part of value.$ref.slice(2).split('/')) {
      target = target[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    return this.#resolve(target);
  }
}

function escape(template: string): string {
  return template.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Query and path values are strings on the wire; the schema says what they stand for. */
function coerce(raw: string, schema: Json | undefined): unknown {
  if (schema?.type === 'integer' || schema?.type === 'number') {
    return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  }
  if (schema?.type === 'boolean') {
    if (raw === 'true') return true;
    if (raw === 'false') return false;
  }
  return raw;
}

/** OpenAPI 3.0's `nullable: true` as JSON Schema says it, in place. */
function rewriteNullable(node: any): void {
  if (Array.isArray(node)) {
    node.forEach(rewriteNullable);
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const value of Object.values(node)) rewriteNullable(value);
  if (node.nullable !== true) return;
  delete node.nullable;
  if (typeof node.type === 'string') {
    node.type = [node.type, 'null'];
    if (Array.isArray(node.enum) && !node.enum.includes(null)) {
      node.enum.push(null);
    }
    return;
  }
  const rest = { ...node };
  for (const key of Object.keys(node)) delete node[key];
  node.anyOf = [rest, { type: 'null' }];
}
