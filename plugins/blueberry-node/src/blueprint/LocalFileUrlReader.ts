import type {
  UrlReaderService,
  UrlReaderServiceReadTreeResponse,
  UrlReaderServiceReadUrlOptions,
  UrlReaderServiceReadUrlResponse,
  UrlReaderServiceSearchResponse,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/**
 * Reads `file:` URLs under the folders of `blueberry.blueprints.fileRoots`, for the embedded
 * default, whose catalog locations are files (Backstage's URL reader has no file reader): the
 * example shop's blueprint sits beside its entity. Only single files (`readUrl`); anything outside
 * the roots, symbolic links included, is refused. Production reads blueprints from GitLab or GitHub.
 *
 * @public
 */
export class LocalFileUrlReader implements UrlReaderService {
  readonly #roots: string[];

  /** The roots configured, resolved against the working directory; empty when none are. */
  static rootsFromConfig(config: Config): string[] {
    return (
      config.getOptionalStringArray('blueberry.blueprints.fileRoots') ?? []
    ).map(root => path.resolve(root));
  }

  constructor(roots: string[]) {
    this.#roots = roots.map(root => path.resolve(root));
  }

  /** Whether this reader reads the URL: a `file:` URL under one of the roots. */
  handles(url: URL): boolean {
    if (url.protocol !== 'file:') return false;
    const file = path.resolve(fileURLToPath(url));
    return this.#roots.some(
      root => file === root || file.startsWith(`${root}${path.sep}`),
    );
  }

  async readUrl(
    url: string,
    _options?: UrlReaderServiceReadUrlOptions,
  ): Promise<UrlReaderServiceReadUrlResponse> {
    const target = new URL(url);
    if (!this.handles(target)) {
      throw new NotAllowedError(
        `${url} is outside blueberry.blueprints.fileRoots`,
      );
    }
    const file = fileURLToPath(target);
    let real: string;
    try {
      real = await fs.realpath(file);
    } catch {
      throw new NotFoundError(`${url} does not exist`);
    }
    if (!this.handles(new URL(`file://${real}`))) {
      throw new NotAllowedError(
        `${url} leads outside blueberry.blueprints.fileRoots`,
      );
    }
    const body = await fs.readFile(real).catch(() => {
      throw new NotFoundError(`${url} is not a readable file`);
    });
    return {
      buffer: async () => body,
      stream: () => Readable.from(body),
    };
  }

  async readTree(): Promise<UrlReaderServiceReadTreeResponse> {
    throw new NotAllowedError('LocalFileUrlReader reads single files only');
  }

  async search(): Promise<UrlReaderServiceSearchResponse> {
    throw new NotAllowedError('LocalFileUrlReader reads single files only');
  }

  toString() {
    return `blueberry-local-files{roots=${this.#roots.join(',')}}`;
  }
}
