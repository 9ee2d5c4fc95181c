/**
 * Blueberry's frontend: the environment card and the Argo CD tab.
 *
 * @packageDocumentation
 */
export { blueberryPlugin, EntityBlueberryEnvironmentsCard } from './plugin';
export { isBlueberryAvailable } from './isBlueberryAvailable';
export { blueberryApiRef, BlueberryClient } from './api';
export type { BlueberryApi } from './api';
