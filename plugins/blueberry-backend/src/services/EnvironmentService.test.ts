import {
  ArgoCdStandIn,
  startArgoCdStandIn,
} from '@blueberry-idp/argocd-standin';
import { entity, TOKEN } from '../__testUtils__/harness';
import { eventually } from '@blueberry-idp/test-utils';
import { LogRecorder } from '../testUtils/recorders';
import { entityLinkOf } from './entityLinks';
import { EnvironmentService } from './EnvironmentService';
import { sleep } from '@blueberry-idp/plugin-blueberry-common';

describe('EnvironmentService.environmentsFor', () => {
  let standIn: ArgoCdStandIn;
  let service: EnvironmentService;

  beforeAll(async () => {
    standIn = await startArgoCdStandIn({
      token: TOKEN,
      waveDelayMs: 20,
      synthetic: { count: 20, apps: 2, environmentsPerApp: [10, 10] },
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

  const first = entityLinkOf(
    entity('first', { 'blueberry.io/app': 'app-01' }),
  )!;
  const second = entityLinkOf(
    entity('second', { 'blueberry.io/app': 'app-02' }),
  )!;

  const sync = async (name: string) => {
    const res = await fetch(
      `${standIn.url}/api/v1/applications/${encodeURIComponent(name)}/sync`,
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}` },
        body: '{}',
      },
    );
    expect(res.status).toBe(200);
  };

  /** The answer once the watch is live (a connection change is a new answer of its own). */
  const live = (link: typeof first) =>
    eventually(async () => {
      const answer = await service.environmentsFor(link);
      return (
        answer.items.length > 0 &&
        answer.items.every(item => !item.stale) &&
        answer
      );
    });

  // Before any sync: the stand-in is settled, so nothing else asks the matcher.
  it('reads its environments from the index, not by matching every Application again', async () => {
    let matched = 0;
    const counting = {
      key: 'counting',
      matches: (app: Parameters<typeof first.matches>[0]) => {
        matched += 1;
        return first.matches(app);
      },
    };
    const answer = await service.environmentsFor(counting);
    expect(answer.items).toHaveLength(10);
    // The first view indexes the link: one look at each Application.
    expect(matched).toBeGreaterThanOrEqual(20);
    const afterFirst = matched;
    await service.environmentsFor(counting);
    await service.environmentsFor(counting);
    expect(matched).toBe(afterFirst);
  });

  it('rebuilds an answer only when one of its environments changes', async () => {
    const firstAnswer = await live(first);
    const secondAnswer = await live(second);
    expect(firstAnswer.items.map(i => i.name)).toHaveLength(10);
    expect(firstAnswer.items.every(i => i.name.startsWith('app-01-'))).toBe(
      true,
    );

    // While nothing changes, time passing is no change: the same answer, not one a second.
    await sleep(1_100);
    expect(await service.environmentsFor(first)).toBe(firstAnswer);
    expect(await service.environmentsFor(second)).toBe(secondAnswer);

    // Another entity's environment changes: its answer is rebuilt, this one is not.
    await sync('app-02-pr-1');
    const changed = await eventually(async () => {
      const answer = await service.environmentsFor(second);
      return answer !== secondAnswer && answer;
    });
    expect(changed.items.find(i => i.name === 'app-02-pr-1')).toBeDefined();
    expect(await service.environmentsFor(first)).toBe(firstAnswer);

    // One of its own changes: rebuilt, and the new answer shows the change.
    await sync('app-01-pr-2');
    const rebuilt = await eventually(async () => {
      const answer = await service.environmentsFor(first);
      return answer !== firstAnswer && answer;
    });
    expect(rebuilt.items).toHaveLength(10);
    expect(rebuilt.items.find(i => i.name === 'app-01-pr-2')).not.toStrictEqual(
      firstAnswer.items.find(i => i.name === 'app-01-pr-2'),
    );
  });
});
