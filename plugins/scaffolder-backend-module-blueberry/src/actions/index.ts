export {
  createBlueberryEnvironmentCreateAction,
  CREATE_ENVIRONMENT_ACTION_ID,
} from './createEnvironment';
export {
  createBlueberryEnvironmentDestroyAction,
  DESTROY_ENVIRONMENT_ACTION_ID,
} from './destroyEnvironment';
export {
  createBlueberryGitopsCommitAction,
  COMMIT_TO_LOCAL_GITOPS_ACTION_ID,
  commitMessage,
} from './commitToLocalGitops';
export {
  EnvironmentOwnership,
  gitopsReaderFromConfig,
} from './environmentOwnership';
