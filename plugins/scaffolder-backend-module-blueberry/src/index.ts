/**
 * Scaffolder actions that create and destroy Blueberry environments.
 *
 * @packageDocumentation
 */
export { scaffolderModuleBlueberry as default } from './module';
export * from './actions';
// For a backend whose catalog has file locations: reads blueprints beside them (the embedded default).
export { LocalFileUrlReader } from '@blueberry-idp/plugin-blueberry-node';
