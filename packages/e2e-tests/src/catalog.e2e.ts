/*
 * Environments in the catalog, as people look for them: an environment created through the
 * "Create environment" template becomes a catalog entity that Backstage search finds by its name and
 * by its `blueberry.io/environment` label, and that the catalog page's Blueberry filter picks out.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  createEnvironmentThroughScaffolder,
  EnvironmentStack,
  ensureAppBuilt,
  launchChromium,
  openAsGuest,
  screenshot,
  startEnvironmentStack,
} from './harness';

const ENVIRONMENT = 'pr-77';
const OTHER_ENVIRONMENT = 'pr-78';

describe('environments in the catalog and in search', () => {
  let stack: EnvironmentStack;
  let browser: Browser;
  let page: Page;

  before(async () => {
    ensureAppBuilt();
    stack = await startEnvironmentStack({
      name: 'catalog',
      config: {
        // Index often, so a new environment is searchable within the test. Config objects merge
        // with app-config.yaml's, so its minutes are zeroed rather than left out.
        search: {
          collators: {
            catalog: {
              schedule: {
                frequency: { minutes: 0, seconds: 5 },
                timeout: { minutes: 1 },
                initialDelay: { seconds: 1 },
              },
            },
          },
        },
      },
    });
    for (const [name, pullRequest] of [
      [ENVIRONMENT, 77],
      [OTHER_ENVIRONMENT, 78],
    ] as const) {
      await createEnvironmentThroughScaffolder(stack.backend.baseUrl, {
        entity: 'system:default/shop',
        name,
        type: 'pull-request',
        pullRequest,
        ttl: '72h',
      });
    }
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  // The collator runs on a schedule: search again until the entity has been indexed.
  async function searchUntilFound(query: string) {
    const result = page.getByRole('link', { name: ENVIRONMENT }).first();
    const deadline = Date.now() + 90_000;
    for (;;) {
      await openAsGuest(
        page,
        `${stack.backend.baseUrl}/search?query=${encodeURIComponent(query)}`,
      );
      try {
        await result.waitFor({ timeout: 5_000 });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
    }
  }

  it('search finds the environment by its name', async () => {
    await searchUntilFound(ENVIRONMENT);
    await screenshot(page, 'search');
  });

  it('search finds the environment by its blueberry.io/environment label', async () => {
    await searchUntilFound(`blueberry.io/environment=${ENVIRONMENT}`);
  });

  it('the catalog filter by blueberry.io/environment picks it out', async () => {
    await openAsGuest(
      page,
      `${stack.backend.baseUrl}/?filters%5Bkind%5D=resource&filters%5BblueberryEnvironment%5D=${ENVIRONMENT}`,
    );
    // The catalog is the landing page; the filter's value comes from the URL, as a shared link has it.
    await page.getByText('Environment', { exact: true }).waitFor({
      timeout: 30_000,
    });
    const link = (name: string) =>
      page.getByRole('link', { name: new RegExp(`^${name}\\b`) });
    await link(ENVIRONMENT).first().waitFor({ timeout: 60_000 });
    assert.equal(await link(OTHER_ENVIRONMENT).count(), 0);

    // Without the filter, both environments are listed.
    await openAsGuest(
      page,
      `${stack.backend.baseUrl}/?filters%5Bkind%5D=resource`,
    );
    await link(OTHER_ENVIRONMENT).first().waitFor({ timeout: 60_000 });
    await link(ENVIRONMENT).first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'catalog-filter');
  });
});
