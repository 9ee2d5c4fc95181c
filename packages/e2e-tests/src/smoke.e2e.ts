/*
 * Smoke tests of the real thing: the real backend (with the Argo CD stand-in and a GitOps repository,
 * as `scripts/start.sh` runs it) starts and is ready, and the built app, served by that backend,
 * renders the catalog with the example entities in Debian's Chromium.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  ensureAppBuilt,
  EnvironmentStack,
  launchChromium,
  openAsGuest,
  screenshot,
  startEnvironmentStack,
} from './harness';

describe('smoke', () => {
  let stack: EnvironmentStack;
  let browser: Browser;

  before(async () => {
    ensureAppBuilt();
    stack = await startEnvironmentStack({ name: 'smoke-backend' });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('the real backend answers 200 on its readiness probe', async () => {
    const response = await fetch(
      `${stack.backend.baseUrl}/.backstage/health/v1/readiness`,
    );
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok' });
  });

  it('the built app renders the catalog with the example entities', async () => {
    const page = await browser.newPage();
    await openAsGuest(page, stack.backend.baseUrl);
    for (const name of ['shop-backend', 'shop-storefront', 'shop-admin']) {
      await page
        .getByRole('link', { name })
        .first()
        .waitFor({ timeout: 60_000 });
    }
    const file = await screenshot(page, 'catalog');
    assert.ok(file.endsWith('catalog.png'));
    await page.close();
  });
});
