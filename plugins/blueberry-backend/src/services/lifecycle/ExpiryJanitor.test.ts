import { mockServices } from '@backstage/backend-test-utils';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { LifecycleRepo, shopSpec } from '../../__testUtils__/lifecycleRepo';
import {
  MemoryCache,
  NotificationRecorder,
} from '../../__testUtils__/lifecycleFakes';
import {
  EXPIRY_JANITOR_TASK_ID,
  ExpiryJanitor,
  JanitorRunSummary,
} from './ExpiryJanitor';
import { EnvironmentLifecycle } from './EnvironmentLifecycle';
import { ExpiryWarnings } from './ExpiryWarnings';

// Real git on a shared 2-core machine.
jest.setTimeout(60_000);

const NOW = new Date('2030-01-10T12:00:00Z');
const HOUR = 3600_000;

describe('ExpiryJanitor on EnvironmentLifecycle against a real local GitOps repository', () => {
  let repo: LifecycleRepo;

  beforeEach(async () => {
    repo = await LifecycleRepo.create();
    await repo.add(shopSpec('pr-1', '2030-01-09T12:00:00Z')); // expired a day ago
    await repo.add(shopSpec('pr-2', '2030-01-10T20:00:00Z')); // expires in 8 h
    await repo.add(shopSpec('pr-3', '2030-02-01T00:00:00Z')); // weeks away
    await repo.add(shopSpec('main-line', undefined)); // long-lived
  });
  afterEach(() => repo.remove());

  async function janitor(
    options: { notifications?: NotificationRecorder; cache?: MemoryCache } = {},
  ) {
    return new ExpiryJanitor({
      lifecycle: new EnvironmentLifecycle({ repository: await repo.open() }),
      warnings:
        options.notifications &&
        new ExpiryWarnings({
          notifications: options.notifications,
          cache: options.cache ?? new MemoryCache(),
          logger: mockServices.logger.mock(),
        }),
      warnBeforeMs: 24 * HOUR,
      logger: mockServices.logger.mock(),
      now: () => NOW,
    });
  }

  it('removes only the expired environment, in one commit saying who, which task and why', async () => {
    const summary = await (await janitor()).run();

    expect(summary).toEqual({
      removed: ['pr-1'],
      alreadyGone: [],
      warned: [],
      failed: [],
    });
    expect(await repo.environments()).toEqual(['main-line', 'pr-2', 'pr-3']);
    const [last] = await repo.log();
    expect(last).toBe(
      [
        'blueberry: remove environment pr-1',
        '',
        'Reason: expired at 2030-01-09T12:00:00Z (blueberry.io/expires-at), checked at 2030-01-10T12:00:00Z',
        'Requested-by: blueberry-expiry-janitor (plugin:blueberry)',
        `Task: ${EXPIRY_JANITOR_TASK_ID}`,
      ].join('\n'),
    );
  });

  it('is idempotent: a second run commits nothing', async () => {
    await (await janitor()).run();
    const commits = (await repo.log()).length;
    const second = await (await janitor()).run();
    expect(second.removed).toEqual([]);
    expect((await repo.log()).length).toBe(commits);
  });

  it('two janitors running at once make exactly one teardown commit', async () => {
    const before = (await repo.log()).length;
    const [a, b] = await Promise.all([
      janitor().then(j => j.run()),
      janitor().then(j => j.run()),
    ]);

    // One removed it, the other found it gone (or never listed it); neither failed.
    expect([...a.removed, ...b.removed]).toEqual(['pr-1']);
    expect([...a.failed, ...b.failed]).toEqual([]);
    const log = await repo.log();
    expect(log.length).toBe(before + 1);
    expect(
      log.filter(m => m.startsWith('blueberry: remove environment pr-1')),
    ).toHaveLength(1);
    expect(await repo.environments()).toEqual(['main-line', 'pr-2', 'pr-3']);
  });

  it('warns the owner of an environment about to expire once across repeated runs', async () => {
    const notifications = new NotificationRecorder();
    const cache = new MemoryCache(() => NOW.getTime());
    const first = await (await janitor({ notifications, cache })).run();
    const second = await (await janitor({ notifications, cache })).run();
    const third = await (await janitor({ notifications, cache })).run();

    expect(first.warned).toEqual(['pr-2']);
    expect(second.warned).toEqual([]);
    expect(third.warned).toEqual([]);
    expect(notifications.sent).toEqual([
      {
        recipients: { type: 'entity', entityRef: 'component:default/shop' },
        payload: {
          title: 'Environment pr-2 expires in about 8 h',
          description:
            'Press Keep on its row in the Environments card to keep it past 2030-01-10T20:00:00Z.',
          link: '/catalog/default/resource/pr-2',
          severity: 'high',
          topic: 'blueberry-expiry',
          scope: 'blueberry-expiry:pr-2',
        },
      },
    ]);
  });
});

describe('two janitors in two processes (two backends on one disk)', () => {
  let repo: LifecycleRepo;
  beforeAll(async () => {
    repo = await LifecycleRepo.create();
    for (let i = 1; i <= 4; i++) {
      await repo.add(shopSpec(`pr-${i}`, '2030-01-09T12:00:00Z'));
    }
    await repo.add(shopSpec('pr-9', '2030-02-01T00:00:00Z'));
  });
  afterAll(() => repo.remove());

  function runJanitorProcess(): Promise<JanitorRunSummary> {
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        [
          '-r',
          require.resolve('@backstage/cli/config/nodeTransform.cjs'),
          path.resolve(__dirname, '../../__testUtils__/runJanitor.ts'),
          repo.path,
          NOW.toISOString(),
        ],
        { timeout: 50_000 },
        (error, stdout, stderr) =>
          error
            ? reject(new Error(`${error}: ${stderr}`))
            : resolve(JSON.parse(stdout)),
      );
    });
  }

  it('make exactly one teardown commit per expired environment', async () => {
    const before = (await repo.log()).length;
    const [a, b] = await Promise.all([
      runJanitorProcess(),
      runJanitorProcess(),
    ]);

    expect([...a.failed, ...b.failed]).toEqual([]);
    expect([...a.removed, ...b.removed].sort()).toEqual([
      'pr-1',
      'pr-2',
      'pr-3',
      'pr-4',
    ]);
    const log = await repo.log();
    expect(log.length).toBe(before + 4);
    for (const name of ['pr-1', 'pr-2', 'pr-3', 'pr-4']) {
      expect(
        log.filter(m =>
          m.startsWith(`blueberry: remove environment ${name}\n`),
        ),
      ).toHaveLength(1);
    }
    expect(await repo.environments()).toEqual(['pr-9']);
  });
});
