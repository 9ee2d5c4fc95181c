/**
 * Catalog entity provider for Blueberry environments.
 *
 * @packageDocumentation
 */
export { catalogModuleBlueberry as default } from './module';
