/**
 * Keeps Blueberry's merge request environments in step with GitLab merge requests and GitHub pull
 * requests: created when one opens with a label, removed when it is merged or closed.
 *
 * @packageDocumentation
 */
export { blueberryModuleMergeRequestEvents as default } from './module';
export { GITLAB_MERGE_REQUEST_TOPIC } from './providers/gitlab';
export { GITHUB_PULL_REQUEST_TOPIC } from './providers/github';
export { blueberryModuleMergeRequestFeedback } from './feedback/module';
