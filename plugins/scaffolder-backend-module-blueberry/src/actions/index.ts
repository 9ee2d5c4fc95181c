export {
  createBlueberryEnvironmentCreateAction,
  CREATE_ENVIRONMENT_ACTION_ID,
} from './createEnvironment';
export {
  createBlueberryEnvironmentDestroyAction,
  DESTROY_ENVIRONMENT_ACTION_ID,
} from './destroyEnvironment';
export {
  createBlueberryGitopsProposeAction,
  PROPOSE_GITOPS_CHANGE_ACTION_ID,
} from './proposeGitopsChange';
export type { ProposedChange } from './proposeGitopsChange';
export { EnvironmentOwnership } from './environmentOwnership';
export type {
  EnvironmentPermission,
  RecordedEnvironment,
} from './environmentOwnership';
export type * from './actionTypes';
