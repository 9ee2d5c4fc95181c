import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  ArgoCdStandIn,
  startArgoCdStandIn,
  typicalEnvironment,
} from '@blueberry-idp/argocd-standin';
import {
  blueberryEnvironmentFeedExtensionPoint,
  type BlueberryEnvironmentFeed,
} from '@blueberry-idp/plugin-blueberry-node';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import yaml from 'yaml';
import { GitOpsRepo } from '../__testUtils__/gitopsRepo';
import { TOKEN } from '../__testUtils__/harness';
import { blueberryPlugin } from '../plugin';
import { eventually } from '@blueberry-idp/test-utils';
import { SignalRecorder } from '../testUtils/recorders';

jest.setTimeout(60_000);

const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const MR_URL = 'https://github.com/acme/shop/pull/1';

/**
 * The feed modules read (blueberryEnvironmentFeedExtensionPoint): the plugin's watch-fed picture,
 * with the commit each environment runs, and notices of what changed, over the Argo CD stand-in.
 */
describe('the environment feed', () => {
  let repo: GitOpsRepo;
  let standIn: ArgoCdStandIn;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let feed: BlueberryEnvironmentFeed | undefined;
  const notices: Array<{ instance: string; names: string[] }> = [];

  beforeAll(async () => {
    repo = new GitOpsRepo();
    repo.addEnvironments([typicalEnvironment('pr-1', 'shop', 1)]);
    // The merge request and commit the environment records, as the template writes them.
    const file = path.join(repo.path, 'environments/pr-1/application.yaml');
    const application = yaml.parse(fs.readFileSync(file, 'utf8'));
    application.metadata.annotations = {
      ...application.metadata.annotations,
      'blueberry.io/commit': COMMIT,
      'blueberry.io/merge-request': MR_URL,
    };
    fs.writeFileSync(file, yaml.stringify(application));
    for (const args of [
      ['add', '-A'],
      ['commit', '-q', '-m', 'annotate'],
    ]) {
      execFileSync('git', args, { cwd: repo.path, stdio: 'ignore' });
    }
    standIn = await startArgoCdStandIn({
      repoPath: repo.path,
      token: TOKEN,
      waveDelayMs: 30,
      pollIntervalMs: 100,
    });
    backend = await startTestBackend({
      features: [
        blueberryPlugin,
        createBackendModule({
          pluginId: 'blueberry',
          moduleId: 'feed-reader',
          register(env) {
            env.registerInit({
              deps: { feeds: blueberryEnvironmentFeedExtensionPoint },
              async init({ feeds }) {
                feeds.addConsumer({
                  connect: connected => {
                    feed = connected;
                    connected.onChange((instance, names) =>
                      notices.push({ instance, names }),
                    );
                  },
                });
              },
            });
          },
        }),
        catalogServiceMock.factory({ entities: [] }),
        new SignalRecorder().factory(),
        mockServices.rootConfig.factory({
          data: {
            blueberry: {
              argocd: {
                instances: [{ name: 'local', url: standIn.url, token: TOKEN }],
              },
            },
          },
        }),
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await standIn?.stop();
    repo?.remove();
  });

  it('serves every environment with its merge request and commit, from memory', async () => {
    expect(feed).toBeDefined();
    const synced = await eventually(async () => {
      const snapshot = await feed!.snapshot();
      const item = snapshot.environments.find(
        e => e.environment.name === 'pr-1',
      );
      return item?.environment.health === 'Healthy'
        ? { snapshot, item }
        : false;
    });
    expect(synced.snapshot.complete).toBe(true);
    expect(synced.item.commit).toBe(COMMIT);
    expect(synced.item.environment.mergeRequestUrl).toBe(MR_URL);
    expect(synced.item.environment.waves.length).toBeGreaterThan(0);
    expect(notices).toContainEqual({ instance: 'local', names: ['pr-1'] });

    // Reading the picture asks Argo CD nothing.
    const before = standIn.stats.total;
    for (let i = 0; i < 20; i++) await feed!.snapshot();
    expect(standIn.stats.total).toBe(before);
  });
});
