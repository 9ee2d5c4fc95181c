export {
  CREATE_ENVIRONMENT_PATH,
  environmentsPlaceholder,
  MissingBlueberryAnnotation,
  NoEnvironments,
  StaleBanner,
} from './EnvironmentStates';
