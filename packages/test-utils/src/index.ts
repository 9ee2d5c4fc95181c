/**
 * Test doubles of outside systems and test helpers for Blueberry's tests (private; never a
 * published package's dependency): GitHub's REST API over real HTTP, every request and response
 * checked against GitHub's official OpenAPI description (`@octokit/openapi`); a stand-in for the
 * part of GitLab's REST API the GitOps repository uses; a TCP proxy that takes a server off the
 * network; a polling wait.
 *
 * @packageDocumentation
 */
export { GithubOpenApi } from './github/githubOpenApi';
export type { GithubOperation } from './github/githubOpenApi';
export {
  startGithubApiServer,
  githubNotFound,
  githubValidationFailed,
} from './github/githubApiServer';
export type {
  GithubAnswer,
  GithubApiApp,
  GithubApiFault,
  GithubApiHandler,
  GithubApiRequest,
  GithubApiServer,
  GithubRecordedRequest,
} from './github/githubApiServer';
export { githubAppHandler } from './github/githubAppHandler';
export {
  githubGitRepositoryHandler,
  startGithubGitopsStandIn,
} from './github/githubGitRepository';
export type {
  GithubGitRepository,
  GithubGitopsStandIn,
} from './github/githubGitRepository';
export { startGitlabApiStandIn } from './gitlab/gitlabApiStandIn';
export type { GitlabApiStandIn } from './gitlab/gitlabApiStandIn';
export { startTcpProxy } from './net/tcpProxy';
export { eventually } from './wait/eventually';
