/**
 * Scaffolder actions that create and destroy Blueberry environments.
 *
 * @packageDocumentation
 */
export { scaffolderModuleBlueberry as default } from './module';
