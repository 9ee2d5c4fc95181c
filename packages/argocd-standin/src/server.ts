import type { RepositorySettings } from './render/sources';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_KNOBS, Knobs } from './knobs';
import { ApplicationStore } from './model/ApplicationStore';
import { Reconciler } from './Reconciler';
import { SyntheticOptions, syntheticApplications } from './synthetic';
import { TokenRegistry } from './http/auth';
import { createHandler } from './http/handler';
import { RequestStats } from './http/stats';

export interface ArgoCdStandInOptions {
  /** The local GitOps repository to reconcile (a git repository); none = no root, no Git apps. */
  repoPath?: string;
  /** The branch to follow. Default `main`. */
  branch?: string;
  /**
   * The URLs Applications name the GitOps repository by, besides `file://<repoPath>` (Argo CD's
   * registered repository). Default: the stand-in fixtures' URL.
   */
  repoURLs?: string[];
  /** argocd-cm `kustomize.buildOptions`. Default Blueberry's bootstrap: `--enable-helm`. */
  kustomizeBuildOptions?: string[];
  /** Argo CD's repository settings (`argocd repo add`), such as plain HTTP for an OCI registry. */
  repositories?: RepositorySettings[];
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Host to bind. Default `127.0.0.1`. */
  host?: string;
  /** The bearer token clients must send (as Argo CD's API tokens). */
  token: string;
  /** How long each wave takes to turn healthy, ms. Default 1000. */
  waveDelayMs?: number;
  /** How often the branch head is polled, ms. Default 500. */
  pollIntervalMs?: number;
  /** SSE keepalive period, ms. Default 15000 (Argo CD's). */
  keepaliveMs?: number;
  /** Thousands of settled Applications for benchmarks. */
  synthetic?: SyntheticOptions;
  /** Initial knobs (faults); change them later through `knobs` or `POST /admin/knobs`. */
  knobs?: Partial<Knobs>;
  /** Admin token for `/admin/*`; without one, only loopback callers may use it. */
  adminToken?: string;
  /** Login for `POST /api/v1/session`. Default `admin` / `password`. */
  username?: string;
  password?: string;
  /** Lifetime of tokens issued by `POST /api/v1/session`, ms. Default 24 h. */
  sessionTtlMs?: number;
  /** How many changes a watch can resume across. Default 10000. */
  watchHistory?: number;
  /** Where reconcile errors go. Default: stderr. */
  onError?: (error: Error) => void;
}

export interface ArgoCdStandIn {
  /** Base URL, e.g. `http://127.0.0.1:7080`. */
  url: string;
  port: number;
  /** Live knobs: assign to change behaviour mid-test. */
  knobs: Knobs;
  /** Requests per route. */
  stats: RequestStats;
  /** Makes a token (the configured one or a session's) expire now. */
  expireToken(token: string): void;
  /** Re-reads the repository now instead of waiting for the next poll. */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

/** The Argo CD version the stand-in claims: the API line its shapes come from. */
export const STANDIN_ARGOCD_VERSION = 'v3.6.0+standin';

/**
 * Starts the Argo CD stand-in: a test double serving the subset of Argo CD's REST API Blueberry uses,
 * over real HTTP, reconciling a local GitOps repository.
 */
export async function startArgoCdStandIn(
  options: ArgoCdStandInOptions,
): Promise<ArgoCdStandIn> {
  if (!options.token)
    throw new Error('startArgoCdStandIn: a token is required');
  const knobs: Knobs = {
    ...DEFAULT_KNOBS,
    ...(options.waveDelayMs !== undefined
      ? { waveDelayMs: options.waveDelayMs }
      : {}),
    ...options.knobs,
  };
  const store = new ApplicationStore({ historyLimit: options.watchHistory });
  const stats = new RequestStats();
  const tokens = new TokenRegistry(options.token);
  const reconciler = new Reconciler({
    store,
    knobs,
    repoPath: options.repoPath,
    repoURLs: options.repoURLs,
    kustomizeBuildOptions: options.kustomizeBuildOptions,
    repositories: options.repositories,
    branch: options.branch ?? 'main',
    pollIntervalMs: options.pollIntervalMs ?? 500,
    onError:
      options.onError ??
      (error =>
        process.stderr.write(
          `argocd-standin: reconcile failed: ${error.message}\n`,
        )),
  });
  if (options.synthetic)
    reconciler.addSettled(syntheticApplications(options.synthetic));
  await reconciler.start();

  const server = createServer(
    createHandler({
      store,
      reconciler,
      knobs,
      stats,
      tokens,
      keepaliveMs: options.keepaliveMs ?? 15000,
      adminToken: options.adminToken,
      username: options.username ?? 'admin',
      password: options.password ?? 'password',
      sessionTtlMs: options.sessionTtlMs ?? 24 * 3600 * 1000,
      version: STANDIN_ARGOCD_VERSION,
    }),
  );
  // Go servers (Argo CD) keep idle connections long; a short timeout races clients that reuse them.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () =>
      resolve(),
    );
  });
  const { port } = server.address() as AddressInfo;
  const host =
    options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    knobs,
    stats,
    expireToken: token => tokens.expire(token),
    refresh: () => reconciler.pollNow(),
    stop: async () => {
      reconciler.stop();
      await new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
