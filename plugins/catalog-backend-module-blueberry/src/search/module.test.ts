import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import searchPlugin from '@backstage/plugin-search-backend';
import searchModuleCatalogCollator from '@backstage/plugin-search-backend-module-catalog';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import request from 'supertest';
import { eventually } from '@blueberry-idp/test-utils';
import {
  shopEnvironment,
  TestGitopsHost,
} from '../__testUtils__/gitopsRepository';
import { catalogModuleBlueberry } from '../module';
import { searchModuleBlueberryCollator } from './module';

jest.setTimeout(180_000);

/** What the issue promises on the embedded default: search finds a new environment within a minute. */
const WITHIN_A_MINUTE = 60_000;

describe('searchModuleBlueberryCollator with the real search backend (Lunr)', () => {
  let gitops: TestGitopsHost;

  beforeEach(async () => {
    gitops = await TestGitopsHost.start('local');
  });

  afterEach(async () => {
    await gitops.dispose();
  });

  it('finds a new environment within a minute, by its name and by blueberry.io/environment=pr-123, with the collator on its ten-minute schedule', async () => {
    // The test backend's scheduler runs a task only when something triggers it (or at startup
    // when it has no initial delay; the collator's has one): only this module's trigger indexes.
    const { server } = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleBlueberry,
        searchPlugin,
        searchModuleCatalogCollator,
        searchModuleBlueberryCollator,
        // The events service of createBackend (one bus for all plugins), not the test backend's
        // per-plugin mock: the catalog module tells the search module through it.
        eventsServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [
                { allow: ['Component', 'System', 'Resource', 'Location'] },
              ],
            },
            search: {
              collators: {
                catalog: {
                  schedule: {
                    frequency: { minutes: 10 },
                    timeout: { minutes: 15 },
                    initialDelay: { seconds: 3 },
                  },
                },
              },
            },
            ...gitops.config,
          },
        }),
      ],
    });

    const search = async (term: string) => {
      const response = await request(server)
        .get('/api/search/query')
        .query({ term, types: ['software-catalog'] });
      // Lunr answers 500 (missing index) until the first index run.
      if (response.status !== 200) return undefined;
      return response.body.results.map(
        (r: { document: { location: string; text: string } }) => r.document,
      ) as Array<{ location: string; text: string }>;
    };
    const found = (term: string, location: string) =>
      eventually(
        async () => {
          const documents = await search(term);
          return documents?.find(d => d.location === location);
        },
        WITHIN_A_MINUTE,
        `${term} in the search index`,
      );

    // The embedded default's head poll (3 s), then the catalog, then the index.
    await gitops.commit(shopEnvironment('pr-123'));
    const byName = await found('pr-123', '/catalog/default/resource/pr-123');
    expect(byName.location).toBe('/catalog/default/resource/pr-123');

    const byLabel = await found(
      'blueberry.io/environment=pr-123',
      '/catalog/default/resource/pr-123',
    );
    // The labels are in the indexed text only because of this module; Backstage's leaves them out.
    expect(byLabel.text).toContain('blueberry.io/environment=pr-123');
    expect(byLabel.text).toContain('blueberry.io/owner=team-shop');

    // A second environment later is indexed again; only the label text holds "request=45" (the
    // description says "merge request 45").
    await gitops.commit(shopEnvironment('pr-45'));
    await found(
      'blueberry.io/pull-request=45',
      '/catalog/default/resource/pr-45',
    );

    // A removed one leaves the index too.
    await gitops.remove('pr-123');
    await eventually(
      async () => {
        const documents = await search('pr-123');
        return (
          documents?.every(
            d => d.location !== '/catalog/default/resource/pr-123',
          ) || undefined
        );
      },
      WITHIN_A_MINUTE,
      'pr-123 to leave the search index',
    );
  });
});
