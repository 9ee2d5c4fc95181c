/*
 * An environment's history and its rollback, in Chromium against the real backend, the Argo CD
 * stand-in (rendering the example charts with the real helm and kustomize) and a real GitOps
 * repository: the guest creates an environment, updates it with a new digest, and rolls back from
 * the History section of the Argo CD tab.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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
  shopComponents,
} from './harness';

const NAME = 'pr-71';
const DIR = `environments/${NAME}`;
const OLD_DIGEST = `sha256:${'1f0e2d3c4b5a6978'.repeat(4)}`;
const NEW_DIGEST = `sha256:${'9e8d7c6b5a4f3e2d'.repeat(4)}`;

/** The shop's fixed components with the shop backend at `digest`. */
function componentsWithBackendAt(digest: string) {
  return (shopComponents() as Array<Record<string, unknown>>).map(c =>
    c.name === 'shop-backend'
      ? { ...c, image: `registry.example.com/shop/backend@${digest}` }
      : c,
  );
}

describe('history and rollback from the Argo CD tab', () => {
  let stack: EnvironmentStack;
  let browser: Browser;
  let page: Page;
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: stack.gitopsDir,
      encoding: 'utf8',
    }).trim();

  before(async () => {
    ensureAppBuilt();
    stack = await startEnvironmentStack({ name: 'history', waveDelayMs: 300 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1200 } });
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('rolls an updated environment back to its first version: one commit, the folder byte-identical, the old digest running', async () => {
    await createEnvironmentThroughScaffolder(stack.backend.baseUrl, {
      entity: 'system:default/shop',
      name: NAME,
      type: 'pull-request',
      pullRequest: 71,
      ttl: '72h',
      components: componentsWithBackendAt(OLD_DIGEST),
    });
    const first = git('rev-parse', 'HEAD');
    await createEnvironmentThroughScaffolder(stack.backend.baseUrl, {
      entity: 'system:default/shop',
      name: NAME,
      type: 'pull-request',
      pullRequest: 71,
      ttl: '72h',
      update: true,
      components: componentsWithBackendAt(NEW_DIGEST),
    });
    const second = git('rev-parse', 'HEAD');
    assert.notEqual(second, first, 'the update made no commit');

    await openAsGuest(
      page,
      `${stack.backend.baseUrl}/catalog/default/system/shop/argocd`,
    );
    await page.getByRole('tab', { name: 'Table' }).click();
    await page.getByRole('button', { name: NAME, exact: true }).click();
    const details = page.getByRole('region', { name: `Details of ${NAME}` });
    // Argo CD runs the update: its pods report the new digest.
    await details
      .getByText(`registry.example.com/shop/backend@${NEW_DIGEST}`)
      .waitFor({ timeout: 90_000 });

    const history = page.getByRole('region', { name: `History of ${NAME}` });
    const newest = history.getByRole('button', {
      name: `Change ${second.slice(0, 7)}`,
    });
    await newest.getByText('Deployed now').waitFor({ timeout: 60_000 });
    const oldest = history.getByRole('button', {
      name: `Change ${first.slice(0, 7)}`,
    });
    await oldest.click();
    await history
      .getByLabel(`Diff of ${first.slice(0, 7)}`)
      .getByText(
        new RegExp(
          `^\\+\\s+value: "registry\\.example\\.com/shop/backend@${OLD_DIGEST}"$`,
        ),
      )
      .waitFor();
    await screenshot(page, 'history-before-rollback');

    await history.getByRole('button', { name: 'Roll back to this' }).click();
    const dialog = page.getByRole('dialog');
    await dialog
      .getByText(`Roll back ${NAME} to ${first.slice(0, 7)}?`)
      .waitFor();
    await dialog
      .getByRole('button', { name: 'Roll back', exact: true })
      .click();
    await history
      .getByText(/^Rolled back by commit/)
      .waitFor({ timeout: 60_000 });

    // One commit on top of the update, and the folder is byte-identical to the first version's.
    assert.equal(git('rev-list', '--count', `${second}..HEAD`), '1');
    const rollback = git('rev-parse', 'HEAD');
    assert.equal(
      git('rev-parse', `${rollback}:${DIR}`),
      git('rev-parse', `${first}:${DIR}`),
    );
    assert.equal(git('diff', '--stat', first, rollback, '--', DIR), '');
    const message = git('log', '-1', '--format=%B');
    assert.match(
      message,
      new RegExp(
        `^blueberry: roll back environment ${NAME} to ${first.slice(0, 12)}\n`,
      ),
    );
    assert.match(message, /\nRequested-by: user:default\/guest\n/);
    assert.match(
      message,
      /\nTask: POST \/api\/blueberry\/environments\/:instance\/:name\/rollback$/,
    );

    // Argo CD deploys it: the old digest runs again, and the rollback is the deployed change.
    await details
      .getByText(`registry.example.com/shop/backend@${OLD_DIGEST}`)
      .waitFor({ timeout: 90_000 });
    await details
      .getByText(`registry.example.com/shop/backend@${NEW_DIGEST}`)
      .waitFor({ state: 'detached', timeout: 60_000 });
    await history
      .getByRole('button', { name: `Change ${rollback.slice(0, 7)}` })
      .getByText('Deployed now')
      .waitFor({ timeout: 60_000 });
    await screenshot(page, 'history-after-rollback');
  });
});
