/*
 * A merge request's environment follows its pushes, on the embedded default: the real backend with
 * the example shop's blueprint (examples/.blueberry/environment.yaml, read beside its file
 * location), Debian's real registry on 127.0.0.1:7082 (the blueprint's) with htpasswd on, GitHub
 * webhooks signed as GitHub signs them into the events backend, the Argo CD stand-in and a real
 * GitOps repository. CI pushes a new image tag, GitHub says `synchronize`, and the environment runs
 * the new commit: its digest in the GitOps repository, its commit on the REST API the card reads.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  RealRegistry,
  REGISTRY_PASSWORD,
  REGISTRY_USER,
  startRealRegistry,
} from '@blueberry-idp/plugin-blueberry-node/testUtils';
import { parse } from 'yaml';
import { EnvironmentStack, guestToken, startEnvironmentStack } from './harness';
import { sleep } from '@blueberry-idp/plugin-blueberry-common';

const WEBHOOK_SECRET = 'e2e-github-webhook-secret';
const ENVIRONMENT = 'shop-pr-7';
const FIRST = 'abc1234aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const SECOND = 'def5678bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const THIRD = '0a1b2c3ccccccccccccccccccccccccccccccccc';

/** GitHub's `pull_request` delivery for acme/shop#7 (the fields GitHub sends that matter here). */
function pullRequestEvent(action: string, headSha: string, minute: number) {
  const updatedAt = new Date(Date.UTC(2030, 0, 2, 10, minute)).toISOString();
  return {
    action,
    number: 7,
    ...(action === 'labeled' ? { label: { name: 'preview' } } : {}),
    pull_request: {
      html_url: 'https://github.com/acme/shop/pull/7',
      number: 7,
      state: 'open',
      merged: false,
      labels: [{ name: 'preview' }],
      updated_at: updatedAt.replace('.000Z', 'Z'),
      head: { ref: 'checkout-v2', sha: headSha },
      base: { ref: 'main', sha: 'c'.repeat(40) },
    },
    repository: { full_name: 'acme/shop', name: 'shop' },
    sender: { login: 'octocat' },
  };
}

async function until<T>(
  probe: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!ok(value) && Date.now() < deadline) {
    await sleep(250);
    value = await probe();
  }
  return value;
}

describe('an environment follows its merge request', () => {
  let stack: EnvironmentStack;
  let registry: RealRegistry;

  before(async () => {
    registry = await startRealRegistry('basic', { port: 7082 });
    await registry.pushImage('shop/backend', FIRST.slice(0, 7));
    await registry.pushImage('shop/storefront', '1.8.0');
    stack = await startEnvironmentStack({
      name: 'follow-merge-request',
      config: {
        events: {
          useEventBus: 'never',
          modules: { github: { webhookSecret: WEBHOOK_SECRET } },
        },
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
          mergeRequests: { label: 'preview' },
        },
      },
    });
    // The catalog reads examples/entities.yaml after the start: wait for the shop to claim acme/shop.
    const token = await guestToken(stack.backend.baseUrl);
    const shop = await until(
      async () => {
        const response = await fetch(
          `${stack.backend.baseUrl}/api/catalog/entities/by-name/system/default/shop`,
          { headers: { authorization: `Bearer ${token}` } },
        );
        return response.ok ? response.json() : undefined;
      },
      entity =>
        entity?.metadata?.annotations?.['github.com/project-slug'] ===
        'acme/shop',
      60_000,
    );
    assert.ok(shop, 'the catalog never had the shop');
  });

  after(async () => {
    await stack?.stop();
    await registry?.stop();
  });

  async function deliver(payload: unknown) {
    const body = JSON.stringify(payload);
    const response = await fetch(
      `${stack.backend.baseUrl}/api/events/http/github`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'pull_request',
          'x-github-delivery': `e2e-${Date.now()}`,
          'x-hub-signature-256': `sha256=${createHmac('sha256', WEBHOOK_SECRET)
            .update(body)
            .digest('hex')}`,
        },
        body,
      },
    );
    assert.equal(response.status, 202, await response.text());
  }

  const show = (file: string) =>
    execFileSync('git', ['show', `HEAD:environments/${ENVIRONMENT}/${file}`], {
      cwd: stack.gitopsDir,
      encoding: 'utf8',
    });
  const commits = () =>
    Number(
      execFileSync('git', ['rev-list', '--count', 'HEAD'], {
        cwd: stack.gitopsDir,
        encoding: 'utf8',
      }).trim(),
    );

  /** The environment as the card gets it: the REST API, as the guest. */
  async function served(): Promise<
    | {
        commit?: string | null;
        ahead?: { sha: string; failure?: string } | null;
      }
    | undefined
  > {
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
    return body.items.find((e: { name: string }) => e.name === ENVIRONMENT);
  }

  it('labelled: the blueprint environment runs the head commit, its image by digest', async () => {
    await deliver(pullRequestEvent('labeled', FIRST, 1));
    const application = parse(show('application.yaml'));
    assert.equal(
      application.metadata.annotations['blueberry.io/commit'],
      FIRST,
    );
    assert.match(
      show('components/shop-backend/kustomization.yaml'),
      /127\.0\.0\.1:7082\/shop\/backend/,
    );
    const environment = await until(served, e => e?.commit === FIRST);
    assert.equal(environment?.commit, FIRST);
  });

  it('CI pushes def5678, GitHub says synchronize: the environment runs the new commit within seconds', async () => {
    const digest = await registry.pushImage(
      'shop/backend',
      SECOND.slice(0, 7),
      'the second build',
    );
    const commitsBefore = commits();
    const started = Date.now();
    await deliver(pullRequestEvent('synchronize', SECOND, 2));
    assert.equal(
      commits(),
      commitsBefore + 1,
      'one GitOps change for the push',
    );
    const kustomization = show('components/shop-backend/kustomization.yaml');
    assert.ok(
      kustomization.includes(digest),
      `the new digest ${digest} is not in:\n${kustomization}`,
    );
    const environment = await until(served, e => e?.commit === SECOND);
    assert.equal(environment?.commit, SECOND);
    assert.ok(Date.now() - started < 30_000);
    // The same delivery again: nothing.
    await deliver(pullRequestEvent('synchronize', SECOND, 2));
    assert.equal(commits(), commitsBefore + 1);
  });

  it('a push whose image CI has not pushed yet: the environment stays, and says the head is ahead and why, until it can follow', async () => {
    const commitsBefore = commits();
    await deliver(pullRequestEvent('synchronize', THIRD, 3));
    assert.equal(commits(), commitsBefore, 'nothing written');
    const behind = await until(served, e => Boolean(e?.ahead));
    assert.equal(behind?.commit, SECOND);
    assert.equal(behind?.ahead?.sha, THIRD);
    assert.match(
      behind?.ahead?.failure ?? '',
      /shop\/backend:0a1b2c3 is not in the registry/,
    );

    // CI pushes the image; GitHub's next delivery (a re-run, say) is followed, and the hint goes.
    await registry.pushImage('shop/backend', THIRD.slice(0, 7), 'the third');
    await deliver(pullRequestEvent('synchronize', THIRD, 4));
    const caughtUp = await until(served, e => e?.commit === THIRD && !e.ahead);
    assert.equal(caughtUp?.commit, THIRD);
    assert.equal(caughtUp?.ahead ?? undefined, undefined);
  });
});
