import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { sleep } from '@blueberry-idp/plugin-blueberry-common';
// The end-to-end test runs the backend plugin this module extends, as a Backstage backend would.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import blueberryPlugin from '@blueberry-idp/plugin-blueberry-backend';
import {
  type ArgoCdStandIn,
  type ChartRepository,
  exampleChartDirs,
  startArgoCdStandIn,
  startChartRepository,
} from '@blueberry-idp/argocd-standin';
import { startMergeRequestWorld } from '../__testUtils__/backend';
import { type GitopsHost, startGitopsHost } from '../__testUtils__/gitopsHost';
import {
  type GithubApiStandIn,
  startGithubApiStandIn,
} from '../__testUtils__/github/githubApiStandIn';
import { at, githubPullRequestEvent } from '../__testUtils__/payloads';
import { blueberryModuleMergeRequestFeedback } from './module';

// A real backend, git, the Argo CD stand-in and the GitHub stand-in on a shared 2-core machine.
jest.setTimeout(180_000);

const ARGO_TOKEN = 'argocd-token-for-feedback-test';
const ENV = 'shop-pr-12';
const HEAD = 'c0ffee'.padEnd(40, '1');
const MARKER = `<!-- blueberry:environment=${ENV} -->`;

async function eventually<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(100);
  }
}

/**
 * The whole story on the embedded default: a labelled pull request gets its environment through
 * the template, Argo CD (the stand-in) syncs it wave by wave, and the pull request hears it all
 * through one comment and its deployment statuses, from GitHub's side (the stand-in, every request
 * and answer checked against GitHub's OpenAPI description); closing it removes the environment and
 * the comment's last edit says so.
 */
describe('a labelled pull request hears how its environment is doing', () => {
  let world: Awaited<ReturnType<typeof startMergeRequestWorld>>;
  let repo: GitopsHost;
  let argo: ArgoCdStandIn;
  let charts: ChartRepository;
  let github: GithubApiStandIn;
  let backend: typeof world.backend;

  /** The comment bodies the writer sent, in order (posts and edits). */
  const sentBodies = () =>
    github.requests
      .filter(
        r =>
          r.operationId === 'issues/create-comment' ||
          r.operationId === 'issues/update-comment',
      )
      .map(r => (r.body as { body: string }).body);
  const statuses = () =>
    [...github.deployments.values()].flatMap(d =>
      d.statuses.map(s => ({ deployment: d.id, ...s })),
    );

  beforeAll(async () => {
    // The template's default components, on the example charts, rendered by the stand-in.
    charts = await startChartRepository({
      chartDirs: exampleChartDirs(),
      helmCreate: ['web'],
    });
    repo = await startGitopsHost('local');
    argo = await startArgoCdStandIn({
      repoPath: repo.repoPath!,
      token: ARGO_TOKEN,
      // Slow enough for the writer, which looks every second, to see each wave.
      waveDelayMs: 1_500,
      pollIntervalMs: 100,
    });
    github = await startGithubApiStandIn();
    github.addPullRequest({
      owner: 'acme',
      repo: 'shop',
      number: 12,
      headSha: HEAD,
    });
    world = await startMergeRequestWorld({
      host: repo,
      label: 'preview',
      chartsUrl: charts.url,
      extraFeatures: [
        // The real scheduler (the test backend's mock runs tasks only when told).
        schedulerServiceFactory,
        blueberryPlugin,
        blueberryModuleMergeRequestFeedback,
      ],
      extraConfig: {
        app: { baseUrl: 'http://backstage.example.com' },
        integrations: {
          github: [
            { host: 'github.com', apiBaseUrl: github.url, token: github.token },
          ],
        },
        blueberry: {
          argocd: {
            instances: [{ name: 'local', url: argo.url, token: ARGO_TOKEN }],
          },
          mergeRequests: {
            feedback: {
              comments: true,
              deploymentStatus: true,
              minIntervalSeconds: 0,
            },
          },
        },
      },
    });
    backend = world.backend;
  });

  afterAll(async () => {
    await world?.stop();
    await argo?.stop();
    await charts?.stop();
    await github?.close();
  });

  it('goes from creating through the waves to Healthy with its URL, in one comment', async () => {
    const argoRoutesBefore = argo.stats.byRoute();
    const response = await backend.github(
      githubPullRequestEvent({
        number: 12,
        action: 'labeled',
        label: 'preview',
        labels: ['preview'],
        updatedAt: at(1),
      }),
    );
    expect(response.status).toBe(202);
    expect(await repo.environments()).toEqual([ENV]);

    const bodies = await eventually(sentBodies, b =>
      b.some(body => body.includes('✅ ready')),
    );
    // Every update came from the watch: Argo CD was asked nothing but the list and the stream.
    const argoCalled = Object.entries(argo.stats.byRoute())
      .filter(([route, count]) => count !== argoRoutesBefore[route])
      .map(([route]) => route);
    expect(
      argoCalled.filter(
        route =>
          route !== 'GET /api/v1/applications' &&
          route !== 'GET /api/v1/stream/applications',
      ),
    ).toEqual([]);
    expect(github.problems).toEqual([]);
    // One comment, posted once and edited after.
    expect(github.comments.size).toBe(1);
    const [comment] = github.comments.values();
    expect(comment.body.startsWith(MARKER)).toBe(true);
    expect(
      github.requests.filter(r => r.operationId === 'issues/create-comment'),
    ).toHaveLength(1);
    // It told the waves as they went, before it was ready.
    const beforeReady = bodies.slice(0, -1);
    expect(beforeReady.some(body => /Waves:\*\* 0 [✓…]/.test(body))).toBe(true);
    expect(beforeReady.some(body => body.includes('…'))).toBe(true);
    // Wave by wave, never backwards: the wave being worked on only moves up.
    const working = beforeReady.map(body =>
      Number(/(\d) …/.exec(body)?.[1] ?? -1),
    );
    expect(working).toEqual([...working].sort((a, b) => a - b));
    const ready = comment.body;
    expect(ready).toContain('**Waves:** 0 ✓ 1 ✓ 2 ✓ 3 ✓');
    expect(ready).toContain('`Healthy`');
    expect(ready).toContain(
      '[Open shop-pr-12 in Backstage](<http://backstage.example.com/catalog/default/resource/shop-pr-12>)',
    );
    const app = await (
      await fetch(`${argo.url}/api/v1/applications/${ENV}`, {
        headers: { Authorization: `Bearer ${ARGO_TOKEN}` },
      })
    ).json();
    const urls: string[] = app.status.summary?.externalURLs ?? [];
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(ready).toContain(`<${url}>`);

    // A deployment of the pull request's head, for the environment, transient, ending in success.
    expect(github.deployments.size).toBe(1);
    const [deployment] = github.deployments.values();
    expect(deployment).toMatchObject({
      sha: HEAD,
      environment: ENV,
      transientEnvironment: true,
      productionEnvironment: false,
    });
    const states = deployment.statuses.map(s => s.state);
    expect(states[states.length - 1]).toBe('success');
    expect(states).toContain('in_progress');
    expect(deployment.statuses[deployment.statuses.length - 1]).toMatchObject({
      environmentUrl: [...urls].sort()[0],
      logUrl:
        'http://backstage.example.com/catalog/default/resource/shop-pr-12',
    });
  });

  it('says "removed: pull request closed" in the same comment once it is gone, and retires the deployment', async () => {
    github.pulls.get('acme/shop#12')!.state = 'closed';
    const response = await backend.github(
      githubPullRequestEvent({
        number: 12,
        action: 'closed',
        labels: ['preview'],
        updatedAt: at(20),
      }),
    );
    expect(response.status).toBe(202);
    expect(await repo.environments()).toEqual([]);

    await eventually(
      () => [...github.comments.values()][0]?.body ?? '',
      body => body.includes('removed'),
    );
    expect(github.problems).toEqual([]);
    expect(github.comments.size).toBe(1);
    const [comment] = github.comments.values();
    expect(comment.body).toContain('🗑️ removed: pull request closed');
    expect(comment.body.startsWith(MARKER)).toBe(true);
    const last = await eventually(
      () => statuses().at(-1),
      s => s?.state === 'inactive',
    );
    expect(last?.state).toBe('inactive');

    // Nothing more to say: a few more runs of the writer send nothing.
    const sent = github.requests.length;
    await sleep(3_000);
    expect(github.requests.slice(sent)).toEqual([]);
  });
});
