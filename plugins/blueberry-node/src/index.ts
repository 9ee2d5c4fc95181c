/**
 * Blueberry's GitOps renderer: an environment spec in, deterministic Argo CD and Helm files out.
 *
 * @packageDocumentation
 */
export * from './render/types';
export { renderEnvironment, environmentUrls } from './render/renderEnvironment';
export {
  renderBootstrapFiles,
  renderRootApplication,
  renderArgoCdConfig,
  KUSTOMIZE_BUILD_OPTIONS,
  ENVIRONMENTS_KEEP_PATH,
} from './render/bootstrap';
export { renderApplication, SYNC_RETRY } from './render/application';
export {
  environmentKustomization,
  componentKustomization,
} from './render/kustomization';
export { helmChartReference } from './render/chartSource';
export type { HelmChartReference } from './render/chartSource';
export { componentValues, componentValuesBlock } from './render/values';
export { GENERATED_HEADER } from './render/yaml';
export {
  validateEnvironmentRequest,
  validateEnvironmentSpec,
  validateEnvironmentName,
  inputErrorFromZod,
  MAX_COMPONENTS,
} from './validation/environmentRequest';
export type { EnvironmentRequest } from './validation/environmentRequest';
export { ttlProblem, ttlHours, expiresAt, MAX_TTL_HOURS } from './ttl';
export * from './gitops';
export * from './registry';
export * from './charts';
export * from './feed/environmentFeed';
export * from './blueprint';
