export { LocalGitopsRepository } from './localGitopsRepository';
export type {
  LocalGitopsRepositoryOptions,
  CommitResult,
} from './localGitopsRepository';
export { initGitopsRepository } from './initGitopsRepository';
export { writeRenderedFiles, listFiles, resolveRepositoryPath } from './files';
export { git, COMMITTER } from './git';
export { gitopsCommitMessage, gitopsChangeDescription } from './changeMessage';
export { parseTrailers } from './gitopsHistory';
export type {
  GitopsCommit,
  GitopsFileChange,
  GitopsHistoryPage,
  GitopsHistoryQuery,
} from './gitopsHistory';
export type { GitopsChangeRequest } from './changeMessage';
export { removeGitopsEnvironment } from './removeGitopsEnvironment';
export type { GitopsRemoval } from './removeGitopsEnvironment';
export type { GitopsEnvironmentReader } from './GitopsEnvironmentReader';
export {
  readGitopsRepositoryConfig,
  readGitopsRenderOptions,
} from './gitopsRepositoryConfig';
export type {
  GitopsRepositoryConfig,
  GitopsRenderSettings,
} from './gitopsRepositoryConfig';
export type { GitResult } from './git';
export {
  GitlabGitopsRepository,
  removalBranch,
  rollbackBranch,
} from './gitlab/GitlabGitopsRepository';
export type {
  GitlabGitopsRepositoryOptions,
  RemovalProposal,
} from './gitlab/GitlabGitopsRepository';
export type {
  GitopsRepository,
  GitopsChange,
  GitopsChangeResult,
  GitopsFileEdit,
  GitopsEnvironmentsQuery,
  GitopsOpenProposal,
} from './GitopsRepository';
export { changeBranch } from './gitopsChange';
export {
  createGitopsRepository,
  gitopsRepositoryServiceRef,
} from './gitopsRepositoryServiceRef';
export { GithubGitopsRepository } from './github/GithubGitopsRepository';
export type { GithubGitopsRepositoryOptions } from './github/GithubGitopsRepository';
