/**
 * A local Argo CD stand-in: a test double that speaks the subset of Argo CD's REST API Blueberry uses,
 * reconciles a local GitOps repository wave by wave, and fails on purpose when told to.
 *
 * @packageDocumentation
 */
export { startArgoCdStandIn, STANDIN_ARGOCD_VERSION } from './server';
export type { ArgoCdStandIn, ArgoCdStandInOptions } from './server';
export { DEFAULT_KNOBS } from './knobs';
export type { Knobs } from './knobs';
export type { RequestStats } from './http/stats';
export type { SyntheticOptions } from './synthetic';
export { syntheticAppName, syntheticDistribution } from './synthetic';
export {
  environmentFiles,
  childApplicationManifest,
  typicalEnvironment,
} from './gitops/layout';
export type { FixtureEnvironment, FixtureComponent } from './gitops/layout';
export {
  startChartRepository,
  startExampleChartRepository,
  EXAMPLE_CHART_REPOSITORY_PORT,
} from './charts/chartRepository';
export type {
  ChartRepository,
  ChartRepositoryOptions,
} from './charts/chartRepository';
export { writeClusterAdminChart } from './charts/hostileCharts';
export { fixtureObjects } from './gitops/layout';
export {
  DEFAULT_KUSTOMIZE_BUILD_OPTIONS,
  ManifestRenderer,
} from './render/ManifestRenderer';
export type {
  ManifestRendererOptions,
  RenderedApplication,
} from './render/ManifestRenderer';
export {
  managedResourcesFrom,
  parseObjects,
  isClusterScoped,
  imagesOf,
  hostsOf,
  syncWaveOf,
} from './render/objects';
export type { KubeObject } from './render/objects';
export { toManifest } from './gitops/snapshot';
export { runTool } from './render/tools';
export {
  EXAMPLE_CHARTS_DIR,
  exampleChartDirs,
  helmCreateChart,
} from './charts/exampleCharts';
