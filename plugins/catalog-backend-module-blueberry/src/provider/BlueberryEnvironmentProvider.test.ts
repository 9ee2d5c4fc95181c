import { mockServices } from '@backstage/backend-test-utils';
import {
  DeferredEntity,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  GitopsRepository,
  LocalGitopsRepository,
} from '@blueberry-idp/plugin-blueberry-node';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  renderOptions,
  shopEnvironment,
  TestGitopsHost,
} from '../__testUtils__/gitopsRepository';
import { BlueberryEnvironmentProvider } from './BlueberryEnvironmentProvider';

jest.setTimeout(60_000);

describe('BlueberryEnvironmentProvider over a real local GitOps repository', () => {
  let gitops: TestGitopsHost;

  beforeEach(async () => {
    gitops = await TestGitopsHost.start('local');
  });

  afterEach(async () => {
    await gitops.dispose();
  });

  it('reads the folders only when the head moved, and says which entities changed or left', async () => {
    // The real repository, counting the batched reads it is asked for.
    let batchedReads = 0;
    const real = gitops.repository;
    const repository: GitopsRepository = {
      headRevision: () => real.headRevision(),
      listEnvironments: () => real.listEnvironments(),
      readEnvironments: query => {
        batchedReads++;
        return real.readEnvironments(query);
      },
      openProposals: environment => real.openProposals(environment),
      readFiles: (environment, revision) =>
        real.readFiles(environment, revision),
      history: (environment, query) => real.history(environment, query),
      environmentChangeAt: (environment, revision) =>
        real.environmentChangeAt(environment, revision),
      proposeChange: change => real.proposeChange(change),
    };
    const applied: DeferredEntity[][] = [];
    const connection: EntityProviderConnection = {
      async applyMutation(mutation) {
        if (mutation.type === 'full') applied.push(mutation.entities);
      },
      async refresh() {},
    };
    const provider = new BlueberryEnvironmentProvider({
      repository,
      logger: mockServices.logger.mock(),
      locationOf: p => `file:/gitops/${p}`,
    });
    await provider.connect(connection);

    await gitops.commit(shopEnvironment('pr-1'));
    const first = await provider.refresh();
    expect(first).toMatchObject({
      commit: await real.headRevision(),
      entities: 1,
      changedRefs: ['resource:default/pr-1'],
      removedRefs: [],
    });
    // Same head: the entities again (a scheduled refresh), the folders not read again.
    const again = await provider.refresh();
    expect(again).toMatchObject({ entities: 1, changedRefs: [] });
    expect(batchedReads).toBe(1);
    await expect(provider.refreshIfChanged()).resolves.toBeUndefined();

    await gitops.commit(shopEnvironment('pr-2'));
    await gitops.remove('pr-1');
    const moved = await provider.refreshIfChanged();
    expect(moved).toMatchObject({
      commit: await real.headRevision(),
      entities: 1,
      changedRefs: ['resource:default/pr-2'],
      removedRefs: ['resource:default/pr-1'],
    });
    expect(batchedReads).toBe(2);
    expect(
      applied.map(entities => entities.map(e => e.entity.metadata.name)),
    ).toEqual([['pr-1'], ['pr-1'], ['pr-2']]);
    expect(
      applied[2][0].entity.metadata.annotations?.[
        'backstage.io/managed-by-location'
      ],
    ).toBe('file:/gitops/environments/pr-2/application.yaml');
  });

  it('has no environments while the branch has no commit', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'blueberry-empty-'));
    try {
      const provider = new BlueberryEnvironmentProvider({
        // A repository nobody has committed to: its head is a NotFoundError.
        repository: await LocalGitopsRepository.open({
          path: root,
          branch: 'main',
          render: renderOptions,
        }),
        logger: mockServices.logger.mock(),
        locationOf: p => `file:${root}/${p}`,
      });
      await provider.connect({ async applyMutation() {}, async refresh() {} });
      await expect(provider.refresh()).resolves.toMatchObject({
        commit: undefined,
        entities: 0,
      });
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
