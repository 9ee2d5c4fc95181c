/*
 * What a user does to an environment, in Chromium against the real backend, the Argo CD stand-in and
 * a real GitOps repository: sees the expiry warning under the notifications bell and presses Keep
 * where it points; presses Refresh, Sync and Keep on the Argo CD tab; destroys an environment with
 * the "Destroy environment" template, through the scaffolder's API and from its form, and is refused
 * when the environment is another team's.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { parse } from 'yaml';
import {
  createEnvironmentThroughScaffolder,
  destroyEnvironmentThroughScaffolder,
  EnvironmentStack,
  ensureAppBuilt,
  guestToken,
  launchChromium,
  openAsGuest,
  screenshot,
  startEnvironmentStack,
} from './harness';
import { eventually } from '@blueberry-idp/test-utils';

/** Expires within the warning window: the janitor warns its owner, the guest's team. */
const EXPIRING = 'pr-61';
/** Refreshed, synced and kept from the tab, then destroyed from the template's form. */
const ACTED_ON = 'pr-62';
/** Destroyed through the scaffolder's API. */
const DESTROYED = 'pr-63';
/** Another team's (billing's): the guest's "Destroy environment" of it is refused. */
const FOREIGN = 'pr-64';

describe('acting on environments from the UI', () => {
  let stack: EnvironmentStack;
  let browser: Browser;
  let page: Page;

  before(async () => {
    ensureAppBuilt();
    stack = await startEnvironmentStack({
      name: 'environment-actions',
      waveDelayMs: 1500,
      config: {
        blueberry: {
          lifecycle: {
            // Often, so the warning goes out within the test; warned a day ahead as by default.
            janitor: {
              frequency: { seconds: 5 },
              initialDelay: { seconds: 2 },
            },
            warnBefore: '24h',
          },
        },
      },
    });
    for (const [name, pullRequest, ttl] of [
      [EXPIRING, 61, '1h'],
      [ACTED_ON, 62, '72h'],
      [DESTROYED, 63, '72h'],
    ] as const) {
      await createEnvironmentThroughScaffolder(stack.backend.baseUrl, {
        entity: 'system:default/shop',
        name,
        type: 'pull-request',
        pullRequest,
        ttl,
      });
    }
    // Proposed by the guest for billing (creating is a proposal anyone may make); it records
    // system:default/billing, which team-billing owns, as its source.
    await createEnvironmentThroughScaffolder(stack.backend.baseUrl, {
      entity: 'system:default/billing',
      name: FOREIGN,
      type: 'pull-request',
      pullRequest: 64,
      ttl: '72h',
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows the expiry warning under the bell, and Keep where it points moves the expiry', async () => {
    await openAsGuest(page, `${stack.backend.baseUrl}/catalog`);
    // The janitor runs every few seconds; the bell's page lists the warning once it went out.
    const warning = page.getByRole('link', {
      name: new RegExp(`^Environment ${EXPIRING} expires in about 1 h`),
    });
    await eventuallyVisible(page, warning, async () => {
      await page.getByRole('link', { name: /^Notifications/ }).click();
    });
    // The whole description is shown (the page cuts one after 100 characters) and says where Keep is.
    const expiry = expiresAt(stack.gitopsDir, EXPIRING);
    await page
      .getByText(
        `Press Keep on its row in the Environments card to keep it past ${expiry}.`,
        { exact: true },
      )
      .waitFor();
    await screenshot(page, 'expiry-warning');

    await warning.click();
    await page.waitForURL(`**/catalog/default/resource/${EXPIRING}`);
    const row = page.getByTestId(`environment-${EXPIRING}`);
    await row.getByText(/^expires in (\d+ minutes|1 hour)$/).waitFor({
      timeout: 60_000,
    });
    const expiryBefore = expiresAt(stack.gitopsDir, EXPIRING);
    await row.getByRole('button', { name: 'Keep' }).click();
    // The user sees the new expiry on the same row, and the GitOps repository holds it.
    await row.getByText(/^expires in [23] days$/).waitFor({ timeout: 60_000 });
    const kept = expiresAt(stack.gitopsDir, EXPIRING);
    assert.ok(
      new Date(kept).getTime() - new Date(expiryBefore).getTime() >
        48 * 3600_000,
      `expiry moved from ${expiryBefore} to ${kept}`,
    );
    assert.match(
      lastCommit(stack.gitopsDir),
      /Requested-by: user:default\/guest/,
    );
    await screenshot(page, 'kept-from-card');
  });

  it('Refresh, Sync and Keep on the Argo CD tab reach Argo CD and the GitOps repository', async () => {
    await openAsGuest(
      page,
      `${stack.backend.baseUrl}/catalog/default/system/shop/argocd`,
    );
    await page.getByRole('tab', { name: 'Table' }).click();
    await page.getByRole('button', { name: ACTED_ON, exact: true }).click();
    const details = page.getByRole('region', {
      name: `Details of ${ACTED_ON}`,
    });
    await details.getByText('Healthy').first().waitFor({ timeout: 60_000 });

    // Refresh: Argo CD compares with Git again, which moves its reconciledAt.
    const reconciled = (await argoApplication(stack, ACTED_ON)).status
      .reconciledAt;
    await details.getByRole('button', { name: 'Refresh' }).click();
    await page.getByText(`Refresh of ${ACTED_ON} requested`).waitFor();
    const afterRefresh = (await argoApplication(stack, ACTED_ON)).status
      .reconciledAt;
    assert.notEqual(afterRefresh, reconciled, 'Argo CD was not refreshed');

    // Sync: Argo CD runs an operation; the tab shows it running, then done.
    const operationBefore = (await argoApplication(stack, ACTED_ON)).status
      .operationState?.startedAt;
    await details.getByRole('button', { name: 'Sync' }).click();
    await page.getByText(`Sync of ${ACTED_ON} requested`).waitFor();
    await details.getByText(/^Running/).waitFor({ timeout: 30_000 });
    await details.getByText(/^Succeeded/).waitFor({ timeout: 60_000 });
    const operationAfter = (await argoApplication(stack, ACTED_ON)).status
      .operationState;
    assert.notEqual(operationAfter.startedAt, operationBefore);
    assert.equal(operationAfter.phase, 'Succeeded');

    // Keep: a commit moves the expiry; the tab shows the new one.
    const keptBefore = expiresAt(stack.gitopsDir, ACTED_ON);
    await details.getByRole('button', { name: 'Keep' }).click();
    await page.getByText(new RegExp(`^${ACTED_ON} kept until`)).waitFor();
    assert.notEqual(expiresAt(stack.gitopsDir, ACTED_ON), keptBefore);
    await screenshot(page, 'tab-actions');
  });

  it('"Destroy environment" through the scaffolder removes the environment, and Argo CD prunes it', async () => {
    await destroyEnvironmentThroughScaffolder(stack.backend.baseUrl, {
      entity: 'system:default/shop',
      name: DESTROYED,
      reason: 'Merged',
    });
    assert.equal(committed(stack.gitopsDir, DESTROYED), false);
    assert.match(lastCommit(stack.gitopsDir), new RegExp(DESTROYED));
    await eventually(
      async () => !(await listedNames(stack)).includes(DESTROYED),
      60_000,
      `${DESTROYED} to leave the backend's list`,
      250,
    );
    // Nothing else went with it.
    assert.ok((await listedNames(stack)).includes(ACTED_ON));
  });

  it('"Destroy environment" of another team\'s environment is refused, and nothing is removed', async () => {
    const head = lastCommit(stack.gitopsDir);
    // The guest names its own system, as the form lets it, and billing's environment.
    await assert.rejects(
      destroyEnvironmentThroughScaffolder(stack.backend.baseUrl, {
        entity: 'system:default/shop',
        name: FOREIGN,
        reason: 'Not mine to remove',
      }),
      /\(destroy-environment\) failed: .*Not allowed: .* on environment 'pr-64' \(it belongs to system:default\/billing\)/,
    );
    assert.ok(
      fs.existsSync(
        path.join(stack.gitopsDir, 'environments', FOREIGN, 'application.yaml'),
      ),
    );
    assert.equal(lastCommit(stack.gitopsDir), head);
  });

  it('"Destroy environment" from its form removes the environment from the card', async () => {
    const formData = encodeURIComponent(
      JSON.stringify({ entity: 'system:default/shop', name: ACTED_ON }),
    );
    await openAsGuest(
      page,
      `${stack.backend.baseUrl}/create/templates/default/destroy-environment?formData=${formData}`,
    );
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('button', { name: 'Create' }).click();
    await page
      .getByText(/Remove it from the GitOps repository/)
      .first()
      .waitFor({ timeout: 60_000 });
    await eventually(
      async () => !committed(stack.gitopsDir, ACTED_ON),
      60_000,
      `environments/${ACTED_ON} to leave the GitOps repository`,
      250,
    );

    // The card drops its row once Argo CD has pruned it, without a reload.
    await openAsGuest(
      page,
      `${stack.backend.baseUrl}/catalog/default/system/shop`,
    );
    await page
      .getByTestId(`environment-${EXPIRING}`)
      .waitFor({ timeout: 60_000 });
    await page
      .getByTestId(`environment-${ACTED_ON}`)
      .waitFor({ state: 'detached', timeout: 60_000 });
    await screenshot(page, 'destroyed-from-form');
  });

  it('"Destroy environment" of another team\'s environment from its form shows the refusal', async () => {
    const head = lastCommit(stack.gitopsDir);
    const formData = encodeURIComponent(
      JSON.stringify({ entity: 'system:default/shop', name: FOREIGN }),
    );
    await openAsGuest(
      page,
      `${stack.backend.baseUrl}/create/templates/default/destroy-environment?formData=${formData}`,
    );
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('button', { name: 'Create' }).click();
    // The task page shows the step's error, which names whose environment it is.
    await page
      .getByText(/it belongs to system:default\/billing/)
      .first()
      .waitFor({ timeout: 60_000 });
    await screenshot(page, 'foreign-destroy-refused');
    assert.ok(
      fs.existsSync(
        path.join(stack.gitopsDir, 'environments', FOREIGN, 'application.yaml'),
      ),
    );
    assert.equal(lastCommit(stack.gitopsDir), head);
  });
});

/** Runs `open` and waits for `target`, again every few seconds until it shows. */
async function eventuallyVisible(
  page: Page,
  target: ReturnType<Page['getByRole']>,
  open: () => Promise<void>,
) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    await open();
    try {
      await target.waitFor({ timeout: 5_000 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await page.reload();
    }
  }
}

function expiresAt(gitopsDir: string, environment: string): string {
  const application = parse(
    fs.readFileSync(
      path.join(gitopsDir, 'environments', environment, 'application.yaml'),
      'utf8',
    ),
  );
  return application.metadata.annotations['blueberry.io/expires-at'];
}

/** Whether the GitOps repository's branch holds the environment (what Argo CD reads: git, not the disk). */
function committed(gitopsDir: string, environment: string): boolean {
  return (
    execFileSync('git', ['ls-tree', 'HEAD', `environments/${environment}/`], {
      cwd: gitopsDir,
      encoding: 'utf8',
    }).trim() !== ''
  );
}

function lastCommit(gitopsDir: string): string {
  return execFileSync('git', ['log', '-1', '--format=%B'], {
    cwd: gitopsDir,
    encoding: 'utf8',
  });
}

async function argoApplication(stack: EnvironmentStack, name: string) {
  const response = await fetch(
    `${stack.standIn.url}/api/v1/applications/${encodeURIComponent(name)}`,
    { headers: { authorization: `Bearer ${stack.argocdToken}` } },
  );
  assert.equal(response.status, 200);
  return response.json();
}

async function listedNames(stack: EnvironmentStack): Promise<string[]> {
  const token = await guestToken(stack.backend.baseUrl);
  const response = await fetch(
    `${
      stack.backend.baseUrl
    }/api/blueberry/environments?entityRef=${encodeURIComponent(
      'system:default/shop',
    )}`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  assert.equal(response.status, 200);
  const body = await response.json();
  return body.items.map((e: { name: string }) => e.name);
}
