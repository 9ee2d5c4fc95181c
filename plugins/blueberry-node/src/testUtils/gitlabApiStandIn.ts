// Moved to the private @blueberry-idp/test-utils; this path stays until its importers move there.
export { startGitlabApiStandIn } from '@blueberry-idp/test-utils';
export type { GitlabApiStandIn } from '@blueberry-idp/test-utils';
