/*
 * The whole product, as a user meets it: the real app and backend, the Argo CD stand-in, a real
 * GitOps repository and Debian's real registry on 127.0.0.1:7082 (the example shop's blueprint's).
 * A user opens "Create environment" for the `shop` system, gives the merge request and its commit
 * (the components come from the shop's blueprint, each image resolved to its digest in the
 * registry), sees what was deployed, comes back to the entity page, and watches the new environment
 * appear and its waves go from 0 to 3 to Healthy without reloading; then opens the Argo CD tab and
 * sees the tree.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { environmentNamespace } from '@blueberry-idp/plugin-blueberry-common';
import { eventually } from '@blueberry-idp/test-utils';
import {
  RealRegistry,
  REGISTRY_PASSWORD,
  REGISTRY_USER,
  startRealRegistry,
} from '@blueberry-idp/plugin-blueberry-node/testUtils';
import {
  EnvironmentStack,
  ensureAppBuilt,
  launchChromium,
  screenshot,
  openAsGuest,
  startEnvironmentStack,
} from './harness';

const ENVIRONMENT = 'pr-42';
/** The merge request's head commit: the blueprint tags the shop backend's image with its short SHA. */
const COMMIT = '4242abcaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';

describe('create an environment from the UI', () => {
  let stack: EnvironmentStack;
  let registry: RealRegistry;
  let browser: Browser;
  let page: Page;
  /** What the registry serves for the blueprint's two tags. */
  const digests: Record<string, string> = {};

  before(async () => {
    ensureAppBuilt();
    registry = await startRealRegistry('basic', { port: 7082 });
    digests.backend = await registry.pushImage(
      'shop/backend',
      COMMIT.slice(0, 7),
    );
    digests.storefront = await registry.pushImage('shop/storefront', '1.8.0');
    // Waves slow enough that the page sees them progress, as on a real cluster.
    stack = await startEnvironmentStack({
      name: 'create-environment',
      waveDelayMs: 3000,
      config: {
        blueberry: {
          blueprints: { fileRoots: ['../../examples'] },
          registries: [
            {
              host: registry.host,
              insecure: true,
              username: REGISTRY_USER,
              password: REGISTRY_PASSWORD,
            },
          ],
        },
      },
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
    await registry?.stop();
  });

  it('runs the "Create environment" template, which commits the environment the blueprint describes', async () => {
    const formData = encodeURIComponent(
      JSON.stringify({
        entity: 'system:default/shop',
        name: ENVIRONMENT,
        commit: COMMIT,
      }),
    );
    await openAsGuest(
      page,
      `${stack.backend.baseUrl}/create/templates/default/create-environment?formData=${formData}`,
    );
    await page.getByLabel('Merge request number').fill('42');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('button', { name: 'Create' }).click();
    await page
      .getByText(/Publish to the GitOps repository/)
      .first()
      .waitFor({ timeout: 60_000 });
    // The task's result opens on what was deployed: a table of each component's chart, image and
    // the digest the registry resolved its tag to.
    for (const text of [
      `127.0.0.1:7082/shop/backend:${COMMIT.slice(0, 7)}`,
      digests.backend,
      '127.0.0.1:7082/shop/storefront:1.8.0',
      digests.storefront,
    ]) {
      await page
        .getByRole('cell', { name: text })
        .first()
        .waitFor({ timeout: 60_000 });
    }
    await screenshot(page, 'deployed');
    await eventually(
      () => commitsTouching(stack.gitopsDir, ENVIRONMENT) === 1,
      60_000,
      `one commit touching ${ENVIRONMENT}`,
      250,
    );

    const files = execFileSync(
      'git',
      ['ls-files', `environments/${ENVIRONMENT}`],
      {
        cwd: stack.gitopsDir,
        encoding: 'utf8',
      },
    );
    assert.match(files, /environments\/pr-42\/application\.yaml/);
    assert.match(
      files,
      /environments\/pr-42\/components\/shop-backend\/kustomization\.yaml/,
    );
  });

  it('shows the environment on the entity page, its waves reaching Healthy without a reload', async () => {
    await openAsGuest(
      page,
      `${stack.backend.baseUrl}/catalog/default/system/shop`,
    );
    const strip = page.getByRole('progressbar', {
      name: `Sync waves of ${ENVIRONMENT}`,
    });
    await strip.waitFor({ timeout: 60_000 });
    // A mark on this document: a reload or a navigation would lose it.
    await page.evaluate(() => {
      (window as any).blueberryNotReloaded = true;
    });
    // Every value the strip showed, in order, so the test sees the waves move and not only the end.
    const seen: string[] = [];
    const deadline = Date.now() + 90_000;
    let done = await strip.getAttribute('aria-valuenow');
    while (done !== '4' && Date.now() < deadline) {
      if (seen[seen.length - 1] !== done) seen.push(done ?? '');
      await page.waitForTimeout(200);
      done = await strip.getAttribute('aria-valuenow');
    }
    assert.equal(done, '4', `waves done: ${done}; seen ${seen}`);
    assert.ok(
      seen.some(value => Number(value) < 4),
      'the strip showed 4 of 4 from its first look: no live update was seen',
    );
    assert.equal(
      await page.evaluate(() => (window as any).blueberryNotReloaded),
      true,
      'the page was reloaded while the waves progressed',
    );
    const row = page.getByTestId(`environment-${ENVIRONMENT}`);
    await row.getByText('Healthy').first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'card');
  });

  it('synced what the charts render: waves, images and hosts read off the rendered objects', async () => {
    const response = await fetch(
      `${stack.standIn.url}/api/v1/applications/${ENVIRONMENT}`,
      { headers: { Authorization: `Bearer ${stack.argocdToken}` } },
    );
    const application = await response.json();
    const waveOf = (kind: string, name: string) => {
      const resource = application.status.resources.find(
        (r: any) => r.kind === kind && r.name === name,
      );
      assert.ok(resource, `${kind}/${name} is not a managed resource`);
      return resource.syncWave ?? 0;
    };
    assert.equal(waveOf('Namespace', environmentNamespace(ENVIRONMENT)), 0);
    assert.equal(waveOf('StatefulSet', 'redis'), 0);
    assert.equal(waveOf('ConfigMap', 'shop-backend'), 0);
    assert.equal(waveOf('Deployment', 'shop-backend'), 1);
    assert.equal(waveOf('Service', 'shop-backend'), 1);
    assert.equal(waveOf('Deployment', 'storefront'), 2);
    assert.equal(waveOf('Service', 'storefront'), 2);
    assert.equal(waveOf('Ingress', 'storefront'), 3);
    // The unmodified `helm create web` chart's ServiceAccount: only a real render knows of it.
    assert.equal(waveOf('ServiceAccount', 'storefront'), 0);
    // The blueprint's hosts, and its images at the digests the registry serves for their tags.
    assert.deepEqual(application.status.summary.externalURLs.sort(), [
      `https://shop-backend-${ENVIRONMENT}.preview.localhost`,
      `https://storefront-${ENVIRONMENT}.preview.localhost`,
    ]);
    for (const image of [
      `127.0.0.1:7082/shop/backend@${digests.backend}`,
      `127.0.0.1:7082/shop/storefront@${digests.storefront}`,
    ]) {
      assert.ok(
        application.status.summary.images.includes(image),
        `no image ${image} in ${application.status.summary.images}`,
      );
    }
  });

  it('shows the tree on the Argo CD tab', async () => {
    // The entity page's tab, not the card's deep links to the Argo CD UI.
    await page
      .locator('a[href$="/catalog/default/system/shop/argocd"]')
      .first()
      .click();
    await page
      .getByRole('button', { name: /^blueberry-root: Healthy/ })
      .waitFor({ timeout: 30_000 });
    const environmentNode = page.getByRole('button', {
      name: new RegExp(`^${ENVIRONMENT}: Healthy`),
    });
    await environmentNode.click();
    for (const wave of [/^Wave 0/, /^Wave 1 · Backend/, /^Wave 2/, /^Wave 3/]) {
      await page
        .getByRole('button', { name: wave })
        .first()
        .waitFor({ timeout: 30_000 });
    }
    await screenshot(page, 'argocd-tab');
  });
});

function commitsTouching(repo: string, environment: string): number {
  const log = execFileSync(
    'git',
    ['log', '--format=%H', '--', `environments/${environment}`],
    { cwd: repo, encoding: 'utf8' },
  );
  return log.split('\n').filter(Boolean).length;
}
