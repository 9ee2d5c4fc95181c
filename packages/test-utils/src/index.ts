/**
 * Test doubles of outside systems for Blueberry's tests (private; never a published package's
 * dependency): GitHub's REST API over real HTTP, every request and response checked against
 * GitHub's official OpenAPI description (`@octokit/openapi`).
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
