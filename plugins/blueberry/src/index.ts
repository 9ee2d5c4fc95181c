/**
 * Blueberry's frontend: the environment card and the Argo CD tab.
 *
 * @packageDocumentation
 */
export {
  blueberryPlugin,
  EntityBlueberryEnvironmentsCard,
  EntityBlueberryContent,
} from './plugin';
export { isBlueberryAvailable } from './isBlueberryAvailable';
export { blueberryApiRef, BlueberryClient } from './api';
export type {
  BlueberryApi,
  EnvironmentKey,
  KeepEnvironmentResponse,
} from './api';
export {
  BlueberryLabelPicker,
  BlueberryLabelFilter,
  BlueberryEnvironmentFilter,
  BlueberryTypeFilter,
  BlueberryOwnerFilter,
} from './components/BlueberryLabelFilter';
export type { BlueberryEntityFilters } from './components/BlueberryLabelFilter';
