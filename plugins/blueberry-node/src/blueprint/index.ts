export { BLUEPRINT_API_VERSION, BLUEPRINT_KIND } from './blueprintSchema';
export type {
  EnvironmentBlueprint,
  BlueprintComponent,
} from './blueprintSchema';
export { BlueprintReader } from './BlueprintReader';
export type { BlueprintEntity, LocatedBlueprint } from './BlueprintReader';
export { resolveBlueprint } from './resolveBlueprint';
export type {
  BlueprintResolution,
  DeployedComponent,
} from './resolveBlueprint';
export type { SourceRevision } from './patterns';
export { LocalFileUrlReader } from './LocalFileUrlReader';
