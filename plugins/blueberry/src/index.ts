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
export type { BlueberryApi, EnvironmentKey } from './api';
