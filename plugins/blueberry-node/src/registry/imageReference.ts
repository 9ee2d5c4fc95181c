import { InputError } from '@backstage/errors';

/**
 * An image named by tag, as a blueprint or a form gives it: `[host[:port]/]repository:tag`.
 *
 * @public
 */
export interface TaggedImage {
  /** The registry as people write it (`docker.io`, `localhost:5000`, `registry.gitlab.com`). */
  host: string;
  /** The repository on that registry (`library/redis`, `shop/backend`). */
  repository: string;
  tag: string;
}

const DOCKER_HUB = 'docker.io';
// Docker's reference grammar, simplified to what a tag lookup needs: lowercase path components
// separated by single `.`, `_`, `__` or `-`; a tag of at most 128 word characters, dots and dashes.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/**
 * Splits `redis:7.4`, `docker.io/library/redis:7.4` or `localhost:5000/shop/backend:abc1234` as
 * Docker does: the first component is a registry host when it has a `.` or a `:`, or is `localhost`;
 * otherwise the image is on Docker Hub, where a one-component name lives under `library/`.
 *
 * @public
 */
export function parseTaggedImage(reference: string): TaggedImage {
  const bad = (why: string) =>
    new InputError(
      `Image '${reference}' is not a tagged image reference: ${why}`,
    );
  if (reference.includes('@')) {
    throw bad('it already names a digest, so there is nothing to resolve');
  }
  const slash = reference.indexOf('/');
  const first = slash === -1 ? '' : reference.slice(0, slash);
  const hasHost =
    first.includes('.') || first.includes(':') || first === 'localhost';
  const host = hasHost ? first : DOCKER_HUB;
  const rest = hasHost ? reference.slice(slash + 1) : reference;
  const colon = rest.lastIndexOf(':');
  if (colon === -1)
    throw bad('it has no tag (say which one, for example `:1.2.3`)');
  const tag = rest.slice(colon + 1);
  let repository = rest.slice(0, colon);
  if (!TAG.test(tag)) throw bad(`'${tag}' is not a valid tag`);
  if (!repository.split('/').every(part => PATH_COMPONENT.test(part))) {
    throw bad(`'${repository}' is not a valid repository name`);
  }
  if (host === DOCKER_HUB && !repository.includes('/')) {
    repository = `library/${repository}`;
  }
  return { host, repository, tag };
}

/** Where the distribution API of a registry host is (Docker Hub's is not on `docker.io`). */
export function registryApiHost(host: string): string {
  return host === DOCKER_HUB ? 'registry-1.docker.io' : host;
}
