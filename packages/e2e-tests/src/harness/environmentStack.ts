import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import {
  ArgoCdStandIn,
  ChartRepository,
  startArgoCdStandIn,
  startExampleChartRepository,
  SyntheticOptions,
} from '@blueberry-idp/argocd-standin';
import { initGitopsRepository } from '@blueberry-idp/plugin-blueberry-node';
import { RunningBackend, startBackend } from './backend';

export interface EnvironmentStack {
  gitopsDir: string;
  /** The example charts' repository on 127.0.0.1:7081, which the shop's components and blueprint name. */
  charts: ChartRepository;
  standIn: ArgoCdStandIn;
  /** The stand-in's API token, for tests that change Argo CD's state directly (a sync). */
  argocdToken: string;
  backend: RunningBackend;
  stop(): Promise<void>;
}

/** `blueberry.gitops.sourceRepos` as app-config.yaml has it: the example chart repository. */
const SOURCE_REPOS = ['http://127.0.0.1:7081'];

/**
 * The whole local loop, as `scripts/start.sh` runs it but on free ports and in a temporary folder:
 * a real GitOps repository with the bootstrap files, the example charts' repository (on its fixed
 * port 7081, as the shop's components and blueprint name it, so one stack at a time), the Argo CD stand-in
 * reconciling the repository with the real helm and kustomize, and the real backend (serving the
 * built app) configured to commit to that repository and watch that stand-in.
 */
export async function startEnvironmentStack(
  options: {
    name?: string;
    waveDelayMs?: number;
    /**
     * More config for the backend (top-level keys replace app-config's; `backend` is merged with the
     * port's, and under `blueberry` everything but `gitops` and `argocd`, the stack's own, is kept).
     */
    config?: { blueberry?: Record<string, unknown>; [key: string]: unknown };
    /** Settled Applications beside the repository's (`app-01-pr-1`...), for benchmarks at scale. */
    synthetic?: SyntheticOptions;
  } = {},
): Promise<EnvironmentStack> {
  const gitopsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'blueberry-gitops-'));
  await initGitopsRepository({
    path: gitopsDir,
    branch: 'main',
    render: {
      gitops: {
        repoURL: pathToFileURL(gitopsDir).href,
        targetRevision: 'main',
        sourceRepos: SOURCE_REPOS,
      },
      argocd: { namespace: 'argocd' },
    },
  });
  const token = randomBytes(24).toString('hex');
  const charts = await startExampleChartRepository();
  const standIn = await startArgoCdStandIn({
    repoPath: gitopsDir,
    token,
    port: 0,
    waveDelayMs: options.waveDelayMs ?? 1500,
    pollIntervalMs: 300,
    synthetic: options.synthetic,
  });
  let backend: RunningBackend;
  try {
    backend = await startBackend({
      name: options.name ?? 'stack-backend',
      config: {
        ...options.config,
        blueberry: {
          ...options.config?.blueberry,
          gitops: {
            local: { path: gitopsDir, branch: 'main' },
            sourceRepos: SOURCE_REPOS,
          },
          argocd: {
            instances: [{ name: 'local', url: standIn.url, token }],
          },
        },
      },
    });
  } catch (error) {
    await standIn.stop();
    await charts.stop();
    throw error;
  }
  return {
    gitopsDir,
    charts,
    standIn,
    argocdToken: token,
    backend,
    async stop() {
      await backend.stop();
      await standIn.stop();
      await charts.stop();
      fs.rmSync(gitopsDir, { recursive: true, force: true });
    },
  };
}
