import { createHash } from 'node:crypto';
import type { Config } from '@backstage/config';
import {
  CustomErrorBase,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  parseTaggedImage,
  registryApiHost,
  TaggedImage,
} from './imageReference';
import { readRegistryAccess, RegistryAccess } from './registryConfig';

/**
 * What a tag resolved to.
 *
 * @public
 */
export interface ResolvedImage extends TaggedImage {
  /** `sha256:` and 64 hex digits: what the registry serves for the tag now. */
  digest: string;
  /** The manifest's media type: an image manifest, or an index of them (several platforms). */
  mediaType: string;
  /** `host/repository@digest`, the reference an environment pins. */
  pinned: string;
}

/**
 * The registry refused us: its credentials in `blueberry.registries` are missing or wrong.
 *
 * @public
 */
export class RegistryAccessError extends CustomErrorBase {
  name = 'RegistryAccessError' as const;
}

// Image manifests and indexes, OCI's and Docker's: a tag may name either.
const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const MAX_REDIRECTS = 5;
const REQUEST_TIMEOUT_MS = 10_000;

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/**
 * Resolves `repository:tag` to the digest the registry serves for it, through the OCI distribution
 * API (`HEAD /v2/<name>/manifests/<tag>`, `Docker-Content-Digest`), signing in as the registry asks:
 * anonymously, with basic credentials, or with a bearer token from the registry's token service.
 * Credentials go to the registry and its token realm only, never to a host a redirect points at.
 *
 * @public
 */
export class OciRegistryClient {
  readonly #registries: RegistryAccess[];
  // Bearer tokens from token services, per realm and scope, until they expire.
  readonly #tokens = new Map<string, { token: string; until: number }>();

  static fromConfig(config: Config): OciRegistryClient {
    return new OciRegistryClient(readRegistryAccess(config));
  }

  constructor(registries: RegistryAccess[]) {
    this.#registries = registries;
  }

  async resolve(reference: string): Promise<ResolvedImage> {
    const image = parseTaggedImage(reference);
    const named = `${image.host}/${image.repository}:${image.tag}`;
    const { response, url, authorization } = await this.#headManifest(image);
    if (response.status === 404) {
      throw new InputError(
        `Image ${named} is not in the registry: ${image.host} has no manifest for tag '${image.tag}'`,
      );
    }
    this.#refuseUnlessOk(response, image);
    let digest = response.headers.get('docker-content-digest') ?? '';
    // A registry may leave the header off a HEAD; the digest is then the manifest's own hash.
    if (!digest) {
      const body = await this.#request('GET', url, image.host, authorization);
      digest = `sha256:${createHash('sha256')
        .update(Buffer.from(await body.arrayBuffer()))
        .digest('hex')}`;
    }
    if (!DIGEST.test(digest)) {
      throw new ServiceUnavailableError(
        `Registry ${image.host} gave '${digest}' as the digest of ${named}, not a sha256 digest`,
      );
    }
    const mediaType = (response.headers.get('content-type') ?? '').split(
      ';',
    )[0];
    return {
      ...image,
      digest,
      mediaType,
      pinned: `${image.host}/${image.repository}@${digest}`,
    };
  }

  /**
   * Whether the registry holds a manifest for `repository:tag`, of any artifact: an image, or a
   * Helm chart pushed as an OCI artifact. False when the registry says 404 (no such repository or
   * tag); a refusal or a failure throws, as for `resolve`.
   */
  async hasManifest(target: TaggedImage): Promise<boolean> {
    const { response } = await this.#headManifest(target);
    if (response.status === 404) return false;
    this.#refuseUnlessOk(response, target);
    return true;
  }

  /** `HEAD /v2/<repository>/manifests/<tag>`, signed in as the registry asks. */
  async #headManifest(image: TaggedImage): Promise<{
    response: Response;
    url: string;
    authorization: string | undefined;
  }> {
    const access = this.#registries.find(r => r.host === image.host);
    const origin = `${access?.insecure ? 'http' : 'https'}://${registryApiHost(
      image.host,
    )}`;
    const path = image.repository.split('/').map(encodeURIComponent).join('/');
    const url = `${origin}/v2/${path}/manifests/${encodeURIComponent(
      image.tag,
    )}`;
    let authorization = access?.token ? `Bearer ${access.token}` : undefined;
    let response = await this.#request('HEAD', url, image.host, authorization);
    if (response.status === 401 && !access?.token) {
      authorization = await this.#answerChallenge(response, image, access);
      if (authorization) {
        response = await this.#request('HEAD', url, image.host, authorization);
      }
    }
    return { response, url, authorization };
  }

  /** Throws for a manifest lookup the registry refused (401, 403) or failed; 404 is the caller's. */
  #refuseUnlessOk(response: Response, image: TaggedImage): void {
    if (response.status === 401 || response.status === 403) {
      const access = this.#registries.find(r => r.host === image.host);
      throw new RegistryAccessError(
        `Registry ${image.host} refused to show ${image.repository} (${
          response.status
        }): ${credentialsHint(access)}`,
      );
    }
    if (!response.ok) {
      throw new ServiceUnavailableError(
        `Registry ${image.host} answered ${response.status} for ${image.host}/${image.repository}:${image.tag}`,
      );
    }
  }

  /** The Authorization to retry with, after a 401's `WWW-Authenticate`; undefined when none can be. */
  async #answerChallenge(
    response: Response,
    image: TaggedImage,
    access: RegistryAccess | undefined,
  ): Promise<string | undefined> {
    const challenge = parseChallenge(
      response.headers.get('www-authenticate') ?? '',
    );
    const basic =
      access?.username !== undefined
        ? `Basic ${Buffer.from(
            `${access.username}:${access.password ?? ''}`,
          ).toString('base64')}`
        : undefined;
    if (challenge?.scheme === 'basic') return basic;
    if (challenge?.scheme !== 'bearer' || !challenge.params.realm)
      return undefined;

    const realm = new URL(challenge.params.realm);
    if (realm.protocol !== 'https:' && !access?.insecure) {
      throw new RegistryAccessError(
        `Registry ${image.host} sends us to sign in at ${realm.origin} without TLS; set insecure: true for it in blueberry.registries only if that is intended`,
      );
    }
    const scope =
      challenge.params.scope ?? `repository:${image.repository}:pull`;
    realm.searchParams.set('scope', scope);
    if (challenge.params.service)
      realm.searchParams.set('service', challenge.params.service);
    const key = realm.href;
    const cached = this.#tokens.get(key);
    if (cached && cached.until > Date.now()) return `Bearer ${cached.token}`;

    const answer = await this.#request('GET', realm.href, realm.host, basic);
    if (!answer.ok) {
      throw new RegistryAccessError(
        `The token service of registry ${image.host} (${
          realm.origin
        }) answered ${answer.status}: ${credentialsHint(access)}`,
      );
    }
    const body = (await answer.json()) as {
      token?: string;
      access_token?: string;
      expires_in?: number;
    };
    const token = body.token ?? body.access_token;
    if (!token) {
      throw new ServiceUnavailableError(
        `The token service of registry ${image.host} answered without a token`,
      );
    }
    // The spec's default lifetime is 60 s; renew a little early.
    const seconds = Math.max(10, (body.expires_in ?? 60) - 5);
    this.#tokens.set(key, { token, until: Date.now() + seconds * 1000 });
    return `Bearer ${token}`;
  }

  /** One request, following redirects by hand so credentials never reach another host. */
  async #request(
    method: 'GET' | 'HEAD',
    url: string,
    host: string,
    authorization: string | undefined,
  ): Promise<Response> {
    let target = new URL(url);
    const origin = target.origin;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const headers: Record<string, string> = {
        accept: MANIFEST_MEDIA_TYPES.join(', '),
      };
      if (authorization && target.origin === origin)
        headers.authorization = authorization;
      let response: Response;
      try {
        response = await fetch(target, {
          method,
          headers,
          redirect: 'manual',
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (error) {
        throw new ServiceUnavailableError(
          `Registry ${host} is unreachable at ${target.origin}: ${
            (error as Error).message
          }`,
        );
      }
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location)
        return response;
      target = new URL(location, target);
    }
    throw new ServiceUnavailableError(
      `Registry ${host} redirected more than ${MAX_REDIRECTS} times for ${url}`,
    );
  }
}

function credentialsHint(access: RegistryAccess | undefined): string {
  return access?.username !== undefined || access?.token
    ? 'check its credentials in blueberry.registries'
    : 'give its credentials in blueberry.registries';
}

/** `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`, as RFC 7235 writes them. */
export function parseChallenge(header: string): Challenge | undefined {
  const match = /^\s*(\w+)\s*(.*)$/.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  for (const [, key, value] of match[2].matchAll(/(\w+)="([^"]*)"/g)) {
    params[key.toLowerCase()] = value;
  }
  return { scheme: match[1].toLowerCase(), params };
}
