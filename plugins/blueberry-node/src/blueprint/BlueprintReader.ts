import type { UrlReaderService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { InputError, isError } from '@backstage/errors';
import {
  ScmIntegrationRegistry,
  ScmIntegrations,
} from '@backstage/integration';
import { BLUEBERRY_BLUEPRINT_ANNOTATION } from '@blueberry-idp/plugin-blueberry-common';
import { parse as parseYaml } from 'yaml';
import { EnvironmentBlueprint, parseBlueprint } from './blueprintSchema';

/**
 * The parts of a catalog entity the reader looks at.
 *
 * @public
 */
export interface BlueprintEntity {
  kind?: string;
  metadata: { name: string; annotations?: Record<string, string> };
}

/**
 * A blueprint and where it was read, so its value files can be read beside it.
 *
 * @public
 */
export interface LocatedBlueprint {
  blueprint: EnvironmentBlueprint;
  /** The URL it was read from (at the commit, when one was given). */
  url: string;
  /** What its value paths are relative to: the entity's source location (at the commit). */
  base: string;
}

const SOURCE_LOCATION = 'backstage.io/source-location';
const MANAGED_BY_LOCATION = 'backstage.io/managed-by-location';

/**
 * Reads an entity's blueprint (the catalog annotation `blueberry.io/blueprint`: a path relative to
 * the entity's source location, or a URL) and its value files through Backstage's
 * UrlReaderService, so it reads what the backend may read (`integrations`, `backend.reading.allow`).
 * With a commit, GitHub and GitLab URLs are read at that commit, not at the branch the catalog
 * location names: the blueprint and values are the merge request's own.
 *
 * @public
 */
export class BlueprintReader {
  readonly #reader: UrlReaderService;
  readonly #integrations: ScmIntegrationRegistry;

  static fromConfig(config: Config, options: { reader: UrlReaderService }) {
    return new BlueprintReader({
      reader: options.reader,
      integrations: ScmIntegrations.fromConfig(config),
    });
  }

  constructor(options: {
    reader: UrlReaderService;
    integrations: ScmIntegrationRegistry;
  }) {
    this.#reader = options.reader;
    this.#integrations = options.integrations;
  }

  /** Whether the entity names a blueprint. */
  static hasBlueprint(entity: BlueprintEntity): boolean {
    return Boolean(
      entity.metadata.annotations?.[BLUEBERRY_BLUEPRINT_ANNOTATION],
    );
  }

  async read(
    entity: BlueprintEntity,
    options: { commit?: string } = {},
  ): Promise<LocatedBlueprint> {
    const where = entity.metadata.annotations?.[BLUEBERRY_BLUEPRINT_ANNOTATION];
    const name = `${entity.kind ?? 'entity'} ${entity.metadata.name}`;
    if (!where) {
      throw new InputError(
        `${name} has no ${BLUEBERRY_BLUEPRINT_ANNOTATION} annotation: say where its environment blueprint is, or give the components`,
      );
    }
    const source = this.#sourceLocation(entity, name);
    const base = this.#atCommit(source, options.commit);
    const url = this.#atCommit(
      this.#integrations.resolveUrl({ url: where, base: source }),
      options.commit,
    );
    const text = await this.#readText(
      url,
      `Blueprint of ${name} (${BLUEBERRY_BLUEPRINT_ANNOTATION}: ${where})`,
    );
    return { blueprint: parseBlueprint(text, url), url, base };
  }

  /** One value file of a component, a YAML mapping of Helm values. */
  async readValues(
    located: LocatedBlueprint,
    path: string,
    field: string,
  ): Promise<Record<string, unknown>> {
    const url = this.#integrations.resolveUrl({
      url: path,
      base: located.base,
    });
    const text = await this.#readText(url, `${field} (${path})`);
    let values: unknown;
    try {
      values = parseYaml(text);
    } catch (error) {
      throw new InputError(
        `${field} (${url}) is not valid YAML: ${(error as Error).message}`,
      );
    }
    if (values === null || values === undefined) return {};
    if (typeof values !== 'object' || Array.isArray(values)) {
      throw new InputError(
        `${field} (${url}) must be a mapping of Helm values`,
      );
    }
    return values as Record<string, unknown>;
  }

  #sourceLocation(entity: BlueprintEntity, name: string): string {
    const annotations = entity.metadata.annotations ?? {};
    const location =
      annotations[SOURCE_LOCATION] ?? annotations[MANAGED_BY_LOCATION];
    const match = location ? /^([\w-]+):(.+)$/.exec(location) : null;
    if (!match) {
      throw new InputError(
        `${name} has no source location (${SOURCE_LOCATION} or ${MANAGED_BY_LOCATION}) to read its blueprint beside`,
      );
    }
    const [, type, target] = match;
    if (type === 'url') return target;
    if (type === 'file') return new URL(`file://${target}`).href;
    throw new InputError(
      `${name}'s source location is of type '${type}'; Blueberry reads blueprints from url and file locations`,
    );
  }

  /**
   * The URL at a commit: GitHub's `/blob/<ref>/` and `/tree/<ref>/`, GitLab's `/-/blob/<ref>/` and
   * `/-/tree/<ref>/` get the commit instead of the ref (a ref of one path segment, such as `main`).
   * Other URLs are read as they are.
   */
  #atCommit(url: string, commit: string | undefined): string {
    if (!commit) return url;
    const type = this.#integrations.byUrl(url)?.type;
    if (type === 'github') {
      return url.replace(
        /^(https?:\/\/[^/]+\/[^/]+\/[^/]+\/(?:blob|tree))\/[^/]+/,
        `$1/${commit}`,
      );
    }
    if (type === 'gitlab') {
      return url.replace(/(\/-\/(?:blob|tree))\/[^/]+/, `$1/${commit}`);
    }
    return url;
  }

  async #readText(url: string, what: string): Promise<string> {
    try {
      const response = await this.#reader.readUrl(url);
      return (await response.buffer()).toString('utf8');
    } catch (error) {
      if (isError(error) && error.name === 'NotFoundError') {
        throw new InputError(`${what} was not found at ${url}`);
      }
      throw error;
    }
  }
}
