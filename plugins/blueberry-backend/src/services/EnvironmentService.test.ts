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
});
