/**
 * Removes a merge request's Blueberry environment when GitLab reports it merged or closed.
 *
 * @packageDocumentation
 */
export { blueberryModuleGitlabEvents as default } from './module';
export { GITLAB_MERGE_REQUEST_TOPIC } from './module';
