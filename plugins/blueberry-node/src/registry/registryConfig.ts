import type { Config } from '@backstage/config';

/**
 * One entry of `blueberry.registries`: how to reach and sign in to an OCI registry.
 *
 * @public
 */
export interface RegistryAccess {
  host: string;
  username?: string;
  password?: string;
  /** A bearer token sent as it is (a registry that takes a personal access token). */
  token?: string;
  /** Plain HTTP instead of HTTPS (a registry on localhost or inside a cluster). */
  insecure?: boolean;
}

/**
 * Reads `blueberry.registries`; a registry not listed there is reached anonymously over HTTPS.
 *
 * @public
 */
export function readRegistryAccess(config: Config): RegistryAccess[] {
  return (config.getOptionalConfigArray('blueberry.registries') ?? []).map(
    entry => ({
      host: entry.getString('host'),
      username: entry.getOptionalString('username'),
      password: entry.getOptionalString('password'),
      token: entry.getOptionalString('token'),
      insecure: entry.getOptionalBoolean('insecure'),
    }),
  );
}
