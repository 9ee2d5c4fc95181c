import {
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import searchPlugin from '@backstage/plugin-search-backend';
import searchModuleCatalogCollator from '@backstage/plugin-search-backend-module-catalog';
import request from 'supertest';
import {
  eventually,
  shopEnvironment,
  TestGitopsRepository,
} from '../__testUtils__/gitopsRepository';
import { catalogModuleBlueberry } from '../module';
import { searchModuleBlueberryCollator } from './module';

jest.setTimeout(90_000);

// The search backend's id of the catalog collator's scheduled task.
const CATALOG_INDEX_TASK = 'search_index_software_catalog';

describe('searchModuleBlueberryCollator with the real search backend (Lunr)', () => {
  let gitops: TestGitopsRepository;

  beforeEach(async () => {
    gitops = await TestGitopsRepository.create();
  });

  afterEach(async () => {
    await gitops.dispose();
  });

  it('finds the environment entity by its name and by blueberry.io/environment=pr-123', async () => {
    // The test backend's scheduler runs tasks only when triggered, which the test does.
    let scheduler: SchedulerService | undefined;
    const captureScheduler = createBackendModule({
      pluginId: 'search',
      moduleId: 'test-scheduler',
      register(env) {
        env.registerInit({
          deps: { scheduler: coreServices.scheduler },
          async init(deps) {
            scheduler = deps.scheduler;
          },
        });
      },
    });
    const { server } = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleBlueberry,
        searchPlugin,
        searchModuleCatalogCollator,
        searchModuleBlueberryCollator,
        captureScheduler,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [
                { allow: ['Component', 'System', 'Resource', 'Location'] },
              ],
            },
            blueberry: {
              gitops: { local: { path: gitops.path, branch: 'main' } },
              catalog: { headPollSeconds: 0.2 },
            },
          },
        }),
      ],
    });

    await gitops.commit(shopEnvironment('pr-123'), shopEnvironment('pr-45'));
    await eventually(async () => {
      const { body } = await request(server).get(
        '/api/catalog/entities/by-query?filter=metadata.labels.blueberry.io/environment=pr-45',
      );
      return body.items?.length ? body : undefined;
    }, 'the environments in the catalog');

    await scheduler!.triggerTask(CATALOG_INDEX_TASK);

    const search = async (term: string) => {
      const response = await request(server)
        .get('/api/search/query')
        .query({ term, types: ['software-catalog'] });
      expect(response.status).toBe(200);
      return response.body.results.map(
        (r: { document: { location: string; text: string } }) => r.document,
      );
    };

    const [byName] = await search('pr-123');
    expect(byName.location).toBe('/catalog/default/resource/pr-123');

    const [byLabel] = await search('blueberry.io/environment=pr-123');
    expect(byLabel.location).toBe('/catalog/default/resource/pr-123');
    // The labels are in the indexed text only because of this module; Backstage's leaves them out.
    expect(byLabel.text).toContain('blueberry.io/environment=pr-123');
    expect(byLabel.text).toContain('blueberry.io/owner=team-shop');

    // Only the label text holds "request=45" (the description says "merge request 45").
    const [byPullRequestLabel] = await search('blueberry.io/pull-request=45');
    expect(byPullRequestLabel.location).toBe('/catalog/default/resource/pr-45');
  });
});
