/**
 * Scaffolder actions that create and destroy Blueberry environments.
 *
 * @packageDocumentation
 */
export { scaffolderModuleBlueberry as default } from './module';
export * from './actions';
export { readBlueberryGitopsConfig } from './config';
export type { BlueberryGitopsConfig } from './config';
