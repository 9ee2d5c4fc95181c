/**
 * Puts every Blueberry environment in the Backstage catalog with its `blueberry.io/*` labels, and
 * makes those labels searchable.
 *
 * @packageDocumentation
 */
export { catalogModuleBlueberry as default, REFRESH_TASK_ID } from './module';
export { searchModuleBlueberryCollator } from './search/module';
export { blueberryCatalogCollatorEntityTransformer } from './search/entityTransformer';
export { BlueberryEnvironmentProvider } from './provider/BlueberryEnvironmentProvider';
export type {
  BlueberryEnvironmentProviderOptions,
  ComponentLookup,
  RefreshResult,
} from './provider/BlueberryEnvironmentProvider';
export { GitopsRepositoryReader } from './gitops/GitopsRepositoryReader';
export type { GitopsFile } from './gitops/GitopsRepositoryReader';
export { readEnvironments } from './gitops/readEnvironments';
export type {
  GitopsEnvironment,
  GitopsComponent,
  ReadEnvironmentsResult,
} from './gitops/readEnvironments';
export { environmentEntity } from './entities/environmentEntity';
export type { EnvironmentEntityContext } from './entities/environmentEntity';
