import { startBlueberryBackend } from './__testUtils__/harness';
import {
  janitorAtStartup,
  NotificationRecorder,
} from './__testUtils__/lifecycleFakes';
import { LifecycleRepo, shopSpec } from './__testUtils__/lifecycleRepo';

// Real git and a real backend on a shared 2-core machine.
jest.setTimeout(60_000);

const HOUR = 3600_000;
const rfc3339 = (ms: number) =>
  new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('the expiry janitor as the plugin schedules it', () => {
  let repo: LifecycleRepo;
  beforeEach(async () => {
    repo = await LifecycleRepo.create();
    await repo.add(shopSpec('pr-1', rfc3339(Date.now() - HOUR))); // expired
    await repo.add(shopSpec('pr-2', rfc3339(Date.now() + 3 * HOUR))); // within warnBefore
    await repo.add(shopSpec('pr-3', rfc3339(Date.now() + 30 * 24 * HOUR)));
  });
  afterEach(() => repo.remove());

  async function startAndRunJanitor(notifications: NotificationRecorder) {
    // The test scheduler runs every scheduled task once at start-up and waits for it.
    return startBlueberryBackend({
      instances: [],
      entities: [],
      config: {
        gitops: { local: { path: repo.path, branch: 'main' } },
        lifecycle: { janitor: { frequency: '5m' }, warnBefore: '24h' },
      },
      extraFeatures: janitorAtStartup(notifications),
    });
  }

  it('removes the expired environment and warns the owner of the one about to expire, through the scheduler', async () => {
    const notifications = new NotificationRecorder();
    const backend = await startAndRunJanitor(notifications);
    await backend.stop();

    expect(await repo.environments()).toEqual(['pr-2', 'pr-3']);
    const [last] = await repo.log();
    expect(last).toMatch(
      /^blueberry: remove environment pr-1\n\nReason: expired at .+\nRequested-by: blueberry-expiry-janitor \(plugin:blueberry\)\nTask: blueberry-expiry-janitor$/,
    );
    expect(notifications.sent.map(n => n.payload.scope)).toEqual([
      'blueberry-expiry:pr-2',
    ]);
    expect(notifications.sent[0].recipients).toEqual({
      type: 'entity',
      entityRef: 'component:default/shop',
    });
  });

  it('does nothing when turned off', async () => {
    const notifications = new NotificationRecorder();
    const backend = await startBlueberryBackend({
      instances: [],
      entities: [],
      config: {
        gitops: { local: { path: repo.path, branch: 'main' } },
        lifecycle: { janitor: { enabled: false } },
      },
      extraFeatures: janitorAtStartup(notifications),
    });
    await backend.stop();
    expect(await repo.environments()).toEqual(['pr-1', 'pr-2', 'pr-3']);
    expect(notifications.sent).toEqual([]);
  });
});
