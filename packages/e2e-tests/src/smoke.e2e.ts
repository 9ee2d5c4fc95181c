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

  // Runs before any page opens: the backend's first WebSocket upgrade is this one. What it guards is
  // a first upgrade that fails (onerror, at once); the wait is long so a loaded machine is no fault.
  it('the signals WebSocket accepts the first connection after the backend starts', async () => {
    const url = `${stack.backend.baseUrl.replace(/^http/, 'ws')}/api/signals`;
    const socket = new WebSocket(url);
    try {
      const opened = await new Promise<boolean>(resolve => {
        const timer = setTimeout(() => resolve(false), 15_000);
        socket.onopen = () => {
          clearTimeout(timer);
          resolve(true);
        };
        socket.onerror = () => {
          clearTimeout(timer);
          resolve(false);
        };
      });
      assert.ok(
        opened,
        'the first WebSocket to /api/signals did not open within 15 s, so live updates are missing until the client retries',
      );
    } finally {
      socket.close();
    }
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
