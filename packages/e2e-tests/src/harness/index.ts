export { startBackend } from './backend';
export type { RunningBackend } from './backend';
export { launchChromium, screenshot, openAsGuest } from './browser';
export { ensureAppBuilt } from './app';
export { freePort } from './ports';
export { artifactsDir, repoRoot } from './paths';
export { startEnvironmentStack } from './environmentStack';
export type { EnvironmentStack } from './environmentStack';
export {
  createEnvironmentThroughScaffolder,
  destroyEnvironmentThroughScaffolder,
  guestToken,
  shopComponents,
} from './scaffolder';
export {
  GITHUB_GITOPS,
  GITHUB_GITOPS_RENDER,
  startGithubGitopsStack,
} from './githubGitopsStack';
export type { GithubGitopsStack } from './githubGitopsStack';
