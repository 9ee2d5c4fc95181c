/**
 * Puts every Blueberry environment in the Backstage catalog with its `blueberry.io/*` labels, and
 * makes those labels searchable.
 *
 * @packageDocumentation
 */
export { catalogModuleBlueberry as default, REFRESH_TASK_ID } from './module';
export { searchModuleBlueberryCollator } from './search/module';
export { blueberryCatalogCollatorEntityTransformer } from './search/entityTransformer';
export { ENVIRONMENT_ENTITIES_CHANGED_TOPIC } from './events';
export type { EnvironmentEntitiesChangedPayload } from './events';
export { BlueberryEnvironmentProvider } from './provider/BlueberryEnvironmentProvider';
export type {
  BlueberryEnvironmentProviderOptions,
  ComponentLookup,
  RefreshResult,
} from './provider/BlueberryEnvironmentProvider';
export { readEnvironments } from './gitops/readEnvironments';
export type {
  GitopsEnvironment,
  GitopsComponent,
  GitopsFile,
  ReadEnvironmentsResult,
} from './gitops/readEnvironments';
export { environmentEntity } from './entities/environmentEntity';
export type { EnvironmentEntityContext } from './entities/environmentEntity';
