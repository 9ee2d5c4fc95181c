export {
  CREATE_ENVIRONMENT_PATH,
  createEnvironmentLink,
  createTargetOf,
  environmentsPlaceholder,
  MissingBlueberryAnnotation,
  NoEnvironments,
  StaleBanner,
} from './EnvironmentStates';
export type { CreateTarget } from './EnvironmentStates';
