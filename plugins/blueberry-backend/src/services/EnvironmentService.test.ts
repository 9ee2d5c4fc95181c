import {
  ArgoCdStandIn,
  startArgoCdStandIn,
} from '@blueberry-idp/argocd-standin';
import { TOKEN } from '../__testUtils__/harness';
import { LogRecorder } from '../testUtils/recorders';
import { EnvironmentService } from './EnvironmentService';

describe('EnvironmentService.environmentsJsonFor', () => {
  let standIn: ArgoCdStandIn;
  let service: EnvironmentService;

  beforeAll(async () => {
    standIn = await startArgoCdStandIn({
      token: TOKEN,
      synthetic: { count: 20, apps: 1 },
    });
    service = EnvironmentService.create({
      instances: [{ name: 'local', url: standIn.url, token: TOKEN }],
      selector: 'blueberry.io/role',
      logger: new LogRecorder(),
    });
    service.start();
  });

  afterAll(async () => {
    await service?.stop();
    await standIn?.stop();
  });

  const link = { matches: () => true };

  it('builds an answer once for the views that ask while it is being built', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        service.environmentsJsonFor(link, 'component:default/app-01'),
      ),
    );
    expect(new Set(answers).size).toBe(1);
    const body = JSON.parse(answers[0].body.toString('utf8'));
    expect(body.items).toHaveLength(20);
  });

  it('keeps prepared answers within a byte bound, not a count', async () => {
    const small = EnvironmentService.create({
      instances: [{ name: 'local', url: standIn.url, token: TOKEN }],
      selector: 'blueberry.io/role',
      logger: new LogRecorder(),
      maxAnswerBytes: 0,
    });
    small.start();
    try {
      const first = await small.environmentsJsonFor(link, 'a');
      const size = first.body.length * 2;
      expect(size).toBeGreaterThan(10_000);
      // A bound of 0 keeps nothing: each view builds its answer again.
      expect(small.answerCacheBytes).toBe(0);
      expect(await small.environmentsJsonFor(link, 'a')).not.toBe(first);
    } finally {
      await small.stop();
    }

    const bounded = EnvironmentService.create({
      instances: [{ name: 'local', url: standIn.url, token: TOKEN }],
      selector: 'blueberry.io/role',
      logger: new LogRecorder(),
      maxAnswerBytes: 250_000,
    });
    bounded.start();
    try {
      const answers = [];
      for (let i = 0; i < 30; i++) {
        answers.push(await bounded.environmentsJsonFor(link, `entity-${i}`));
        expect(bounded.answerCacheBytes).toBeLessThanOrEqual(250_000);
      }
      // A count bound (there was one of 1,000) would have kept all 30.
      const each = answers[0].body.length * 2;
      expect(30 * each).toBeGreaterThan(250_000);
      expect(bounded.answerCacheBytes).toBeGreaterThan(0);
    } finally {
      await bounded.stop();
    }
  });
});
