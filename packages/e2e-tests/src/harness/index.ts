export { startBackend } from './backend';
export type { RunningBackend } from './backend';
export { launchChromium, screenshot, signInAsGuest } from './browser';
export { ensureAppBuilt } from './app';
export { freePort } from './ports';
export { artifactsDir, repoRoot } from './paths';
