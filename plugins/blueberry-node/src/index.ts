/**
 * Blueberry's GitOps renderer: an environment spec in, deterministic Argo CD and Helm files out.
 *
 * @packageDocumentation
 */
export type { RenderedFile, RenderOptions } from './render/types';
export { namespaceOf } from './render/types';
export { renderEnvironment, environmentUrls } from './render/renderEnvironment';
export { renderBootstrapFiles } from './render/bootstrap';
export { helmChartReference } from './render/chartSource';
export type { HelmChartReference } from './render/chartSource';
export { GENERATED_HEADER } from './render/yaml';
export {
  validateEnvironmentRequest,
  validateEnvironmentName,
  inputErrorFromZod,
} from './validation/environmentRequest';
export * from './gitops';
export * from './registry';
export * from './charts';
export * from './feed/environmentFeed';
export * from './blueprint';
