/**
 * Test doubles for code that uses this library: a stand-in for the part of GitLab's API the
 * GitLab GitOps repository client calls, a real Helm chart repository on localhost, Debian's real OCI
 * registry (`docker-registry`) on a free port, and the shop, the example environment of Blueberry's tests
 * (the golden environment among them: the spec the golden files are rendered from).
 *
 * @packageDocumentation
 */
export {
  shopBackendComponent,
  shopPullRequestEnvironment,
  shopRedisComponent,
  shopSourceRepos,
  shopStorefrontComponent,
  testDigest,
} from './testUtils/shopEnvironment';
export type { RenderOptions } from './render/types';
export {
  shopPullRequestSpec as goldenEnvironmentSpec,
  exampleRenderOptions,
} from './__fixtures__/shopEnvironment';
export { startTestChartRepository } from './testUtils/chartRepository';
export type { TestChartRepository } from './testUtils/chartRepository';
export {
  startRealRegistry,
  REGISTRY_USER,
  REGISTRY_PASSWORD,
} from './testUtils/realRegistry';
export type { RealRegistry, RegistryAuth } from './testUtils/realRegistry';
