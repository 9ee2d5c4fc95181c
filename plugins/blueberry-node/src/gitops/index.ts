export { LocalGitopsRepository } from './localGitopsRepository';
export type {
  LocalGitopsRepositoryOptions,
  CommitResult,
} from './localGitopsRepository';
export { initGitopsRepository } from './initGitopsRepository';
export { writeRenderedFiles, listFiles, resolveRepositoryPath } from './files';
export { git } from './git';
export { gitopsCommitMessage } from './changeMessage';
export type {
  GitopsCommit,
  GitopsFileChange,
  GitopsHistoryPage,
  GitopsHistoryQuery,
} from './gitopsHistory';
export type { GitopsChangeRequest } from './changeMessage';
export {
  readGitopsRepositoryConfig,
  readGitopsRenderOptions,
} from './gitopsRepositoryConfig';
export type {
  GitopsRepositoryConfig,
  GitopsRenderSettings,
} from './gitopsRepositoryConfig';
export type { GitResult } from './git';
export { GitlabGitopsRepository } from './gitlab/GitlabGitopsRepository';
export type { GitlabGitopsRepositoryOptions } from './gitlab/GitlabGitopsRepository';
export { singleAttemptGitlabRequester } from './gitlab/singleAttemptGitlabRequester';
export type {
  GitopsRepository,
  GitopsChange,
  GitopsChangeResult,
  GitopsFileEdit,
  GitopsEnvironmentsQuery,
  GitopsOpenProposal,
} from './GitopsRepository';
export {
  createGitopsRepository,
  gitopsRepositoryServiceRef,
} from './gitopsRepositoryServiceRef';
export type { GithubGitopsRepositoryOptions } from './github/GithubGitopsRepository';
export { proposeEnvironmentRemoval } from './proposeRemoval';
