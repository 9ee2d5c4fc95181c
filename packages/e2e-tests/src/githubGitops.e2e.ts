/*
 * GitHub as the GitOps host, end to end: the GitOps repository `acme/gitops` lives on the GitHub
 * stand-in (GitHub's REST API over real HTTP, every request checked against @octokit/openapi, held
 * in a real bare git repository), the Argo CD stand-in follows that bare repository's `main` with
 * the real helm and kustomize, and the real backend has `blueberry.gitops.github` and no local
 * repository. Every change Blueberry makes is a pull request on `blueberry/<kind>-<environment>`
 * whose body says who asked and through which task; nothing is committed to `main` by Blueberry;
 * merging the pull request in the stand-in (what the merge button does) is the deployment, and the
 * removal. "Create environment", keep, the expiry janitor, a GitHub `pull_request` closed delivery
 * (GitHub's own example, signed) and "Destroy environment" each go that way.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import examples from '@octokit/webhooks-examples';
import {
  gitopsCommitMessage,
  renderEnvironment,
} from '@blueberry-idp/plugin-blueberry-node';
import type { ComponentSpec } from '@blueberry-idp/plugin-blueberry-common';
import { parse } from 'yaml';
import { eventually } from '@blueberry-idp/test-utils';
import {
  createEnvironmentThroughScaffolder,
  destroyEnvironmentThroughScaffolder,
  GITHUB_GITOPS,
  GITHUB_GITOPS_RENDER,
  GithubGitopsStack,
  guestToken,
  startGithubGitopsStack,
  shopComponents,
} from './harness';
import { sleep } from '@blueberry-idp/plugin-blueberry-common';

const WEBHOOK_SECRET = 'e2e-github-gitops-webhook-secret';
const SHOP = 'system:default/shop';
/** Created by "Create environment", deployed by merging, kept, then destroyed. */
const CREATED = 'shop-gh-1';
const CREATED_PULL_REQUEST = 'https://github.com/acme/shop/pull/101';
/** On `main` already, expired: the janitor's. */
const EXPIRED = 'shop-gh-2';
/** On `main` already, recording GitHub's example pull request: the closed delivery's. */
const CLOSED = 'shop-gh-3';

/** GitHub's own example delivery of `pull_request` with this action (@octokit/webhooks-examples). */
function githubExample(action: string): any {
  const found = examples
    .find(e => e.name === 'pull_request')!
    .examples.find(e => (e as { action?: string }).action === action);
  if (!found) throw new Error(`GitHub has no pull_request ${action} example`);
  return structuredClone(found);
}
const CLOSED_DELIVERY = githubExample('closed');
/** The pull request GitHub's examples are about: Codertocat/Hello-World#2. */
const EXAMPLE_PULL_REQUEST: string = CLOSED_DELIVERY.pull_request.html_url;

async function until<T>(
  what: string,
  probe: () => Promise<T> | T,
  ok: (value: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!ok(value)) {
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(
          value,
        )}`,
      );
    }
    await sleep(250);
    value = await probe();
  }
  return value;
}

describe('GitHub as the GitOps host: every change a pull request, merging deploys', () => {
  let stack: GithubGitopsStack;
  /** `main` before any environment: Blueberry must never move it itself. */
  let bootstrapHead: string;

  before(async () => {
    stack = await startGithubGitopsStack({
      name: 'github-gitops',
      waveDelayMs: 200,
      config: {
        events: {
          useEventBus: 'never',
          modules: { github: { webhookSecret: WEBHOOK_SECRET } },
        },
        blueberry: {
          lifecycle: {
            // Often, so the expired environment is proposed for removal within the test.
            janitor: {
              frequency: { seconds: 2 },
              initialDelay: { seconds: 2 },
            },
            // A day past the 72 h the environment is created with, so Keep plainly moves it.
            keepExtension: { hours: 96 },
          },
        },
      },
    });
    bootstrapHead = (await stack.github.repository.head(GITHUB_GITOPS.branch))!;
  });

  after(async () => {
    await stack?.stop();
  });

  /** Git in the stand-in's bare repository, as `git` on GitHub's side would answer. */
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: stack.github.repository.gitDir,
      env: { ...process.env, GIT_DIR: stack.github.repository.gitDir },
      encoding: 'utf8',
    });
  const filesOf = (ref: string, environment: string) =>
    git(
      'ls-tree',
      '-r',
      '--name-only',
      ref,
      '--',
      `environments/${environment}/`,
    )
      .split('\n')
      .filter(Boolean);
  const applicationOn = (ref: string, environment: string) =>
    parse(git('show', `${ref}:environments/${environment}/application.yaml`));
  const mainHead = async () =>
    (await stack.github.repository.head(GITHUB_GITOPS.branch))!;

  const pullsOn = (branch: string) =>
    stack.github.repository.pulls.filter(pull => pull.head === branch);
  /** The one open pull request of `branch`, asserted to target the followed branch. */
  function openPull(branch: string) {
    const pulls = pullsOn(branch);
    assert.equal(
      pulls.length,
      1,
      `one pull request on ${branch}; the stand-in holds ${JSON.stringify(
        stack.github.repository.pulls.map(p => [p.number, p.head, p.state]),
      )}`,
    );
    const [pull] = pulls;
    assert.equal(pull.state, 'open');
    assert.equal(pull.base, GITHUB_GITOPS.branch);
    return pull;
  }
  const waitForPull = (branch: string, timeoutMs = 60_000) =>
    until(
      `a pull request on ${branch}`,
      () => pullsOn(branch),
      pulls => pulls.length > 0,
      timeoutMs,
    ).then(() => openPull(branch));

  /** Who asked and which task, as the pull request's body says them (gitopsChangeDescription). */
  function assertNames(
    body: string,
    who: string | RegExp,
    task: string | RegExp,
  ) {
    const line = (name: string) =>
      new RegExp(`^${name}: (.+)$`, 'm').exec(body)?.[1];
    const requestedBy = line('Requested-by');
    const taskLine = line('Task');
    assert.ok(requestedBy, `no Requested-by line in:\n${body}`);
    assert.ok(taskLine, `no Task line in:\n${body}`);
    if (typeof who === 'string') assert.equal(requestedBy, who);
    else assert.match(requestedBy, who);
    if (typeof task === 'string') assert.equal(taskLine, task);
    else assert.match(taskLine, task);
  }

  async function argoApplication(name: string) {
    const response = await fetch(`${stack.argocd.url}/api/v1/applications`, {
      headers: { authorization: `Bearer ${stack.argocdToken}` },
    });
    assert.equal(response.status, 200);
    const body = await response.json();
    return (body.items ?? []).find(
      (a: { metadata: { name: string } }) => a.metadata.name === name,
    );
  }

  /** The shop's environments as the card gets them: the REST API, as the guest. */
  async function served(): Promise<
    Array<{ name: string; health: string; expiresAt?: string | null }>
  > {
    const token = await guestToken(stack.backend.baseUrl);
    const response = await fetch(
      `${
        stack.backend.baseUrl
      }/api/blueberry/environments?entityRef=${encodeURIComponent(SHOP)}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    assert.equal(response.status, 200);
    return (await response.json()).items;
  }

  /**
   * An environment on `main` as a merged "Create environment" pull request leaves it: the files the
   * renderer makes for the shop's default components, one merge commit saying who and why.
   */
  async function seedOnMain(spec: {
    name: string;
    pullRequest: number;
    mergeRequestUrl: string;
    expiresAt: string;
  }) {
    const files = renderEnvironment(
      {
        ...spec,
        app: 'shop',
        owner: 'group:default/team-shop',
        type: 'pull-request',
        sourceEntity: SHOP,
        // The form's host patterns, expanded as the create action expands them.
        components: (shopComponents() as unknown as ComponentSpec[]).map(
          component => ({
            ...component,
            ...(component.host && {
              host: component.host
                .replaceAll('{component}', component.name)
                .replaceAll('{environment}', spec.name),
            }),
          }),
        ),
      },
      GITHUB_GITOPS_RENDER,
    );
    await stack.github.repository.push(
      GITHUB_GITOPS.branch,
      gitopsCommitMessage(`create environment ${spec.name}`, {
        reason: `seeded by the test as a merged pull request for ${spec.mergeRequestUrl}`,
        requestedBy: 'user:default/guest',
        task: 'githubGitops.e2e.ts',
      }),
      Object.fromEntries(files.map(file => [file.path, file.content])),
    );
  }

  async function deliverGithub(payload: unknown) {
    const body = JSON.stringify(payload);
    const response = await fetch(
      `${stack.backend.baseUrl}/api/events/http/github`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'pull_request',
          'x-github-delivery': `e2e-github-gitops-${Date.now()}`,
          'x-hub-signature-256': `sha256=${createHmac('sha256', WEBHOOK_SECRET)
            .update(body)
            .digest('hex')}`,
        },
        body,
      },
    );
    assert.equal(response.status, 202, await response.text());
  }

  it('the harness: GitHub answers for acme/gitops, Argo CD follows its bare repository, the backend runs on blueberry.gitops.github', async () => {
    // The stand-in answers as GitHub does, with the token the backend has.
    const ref = await fetch(
      `${stack.github.url}/repos/${GITHUB_GITOPS.owner}/${
        GITHUB_GITOPS.repo
      }/git/ref/${encodeURIComponent(`heads/${GITHUB_GITOPS.branch}`)}`,
      { headers: { authorization: `token ${stack.github.token}` } },
    );
    assert.equal(ref.status, 200);
    assert.equal((await ref.json()).object.sha, bootstrapHead);
    const root = await until(
      'the root Application synced at the bootstrap commit',
      () => argoApplication('blueberry-root'),
      app =>
        app?.status?.sync?.status === 'Synced' &&
        app.status.sync.revision === bootstrapHead,
    );
    assert.equal(root.spec.source.repoURL, GITHUB_GITOPS.url);
    const token = await guestToken(stack.backend.baseUrl);
    // The catalog ingests the example entities a while after the backend is up (longer on a busy
    // machine); until then the route answers 404 for the shop, as for any entity it does not know.
    const response = await eventually(
      async () => {
        const answer = await fetch(
          `${
            stack.backend.baseUrl
          }/api/blueberry/environments?entityRef=${encodeURIComponent(SHOP)}`,
          { headers: { authorization: `Bearer ${token}` } },
        );
        return answer.status === 404 ? undefined : answer;
      },
      120_000,
      'the shop in the catalog',
      500,
    );
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.root?.application, 'blueberry-root');
    assert.deepEqual(body.errors, []);
  });

  let createPull: { number: number };

  it('"Create environment" through the scaffolder opens a pull request on blueberry/create-<env>, not a commit on main', async () => {
    const taskId = await createEnvironmentThroughScaffolder(
      stack.backend.baseUrl,
      {
        entity: SHOP,
        name: CREATED,
        type: 'pull-request',
        pullRequest: 101,
        mergeRequestUrl: CREATED_PULL_REQUEST,
        ttl: '72h',
      },
    );
    const pull = openPull(`blueberry/create-${CREATED}`);
    assertNames(pull.body, 'user:default/guest', new RegExp(`\\b${taskId}\\b`));
    // The proposal holds the environment; main does not, and Argo CD has not deployed it.
    const application = applicationOn(`blueberry/create-${CREATED}`, CREATED);
    assert.equal(
      application.metadata.annotations['blueberry.io/merge-request'],
      CREATED_PULL_REQUEST,
    );
    assert.equal(
      application.metadata.annotations['blueberry.io/source-entity'],
      SHOP,
    );
    assert.equal(await mainHead(), bootstrapHead);
    assert.deepEqual(filesOf(GITHUB_GITOPS.branch, CREATED), []);
    assert.equal(await argoApplication(CREATED), undefined);
    createPull = pull;
  });

  it('merging the pull request in the stand-in deploys it: Healthy in Argo CD and on the REST API', async () => {
    assert.ok(createPull, 'no create pull request to merge');
    const merged = await stack.github.repository.merge(createPull.number);
    const application = await until(
      `${CREATED} Healthy and Synced at the merge commit in Argo CD`,
      () => argoApplication(CREATED),
      app =>
        app?.status?.health?.status === 'Healthy' &&
        app.status.sync?.status === 'Synced' &&
        app.status.sync.revision === merged,
    );
    assert.equal(
      application.spec.destination.namespace,
      `blueberry-${CREATED}`,
    );
    const environment = await until(
      `${CREATED} Healthy on the backend's REST API`,
      async () => (await served()).find(e => e.name === CREATED),
      e => e?.health === 'Healthy',
    );
    assert.equal(environment?.health, 'Healthy');
  });

  it('Keep opens a pull request on blueberry/keep-<env> moving blueberry.io/expires-at; merging it moves the expiry', async () => {
    const expiryOnMain = applicationOn(GITHUB_GITOPS.branch, CREATED).metadata
      .annotations['blueberry.io/expires-at'];
    const headBefore = await mainHead();
    const token = await guestToken(stack.backend.baseUrl);
    const response = await fetch(
      `${
        stack.backend.baseUrl
      }/api/blueberry/environments/local/${encodeURIComponent(CREATED)}/keep`,
      { method: 'POST', headers: { authorization: `Bearer ${token}` } },
    );
    const answer = await response.text();
    assert.equal(response.status, 202, answer);
    const kept = JSON.parse(answer);
    assert.equal(Date.parse(kept.previousExpiresAt), Date.parse(expiryOnMain));
    assert.ok(
      Date.parse(kept.expiresAt) - Date.parse(expiryOnMain) > 20 * 3600_000,
      `expiry moved from ${expiryOnMain} to ${kept.expiresAt}`,
    );

    const pull = openPull(`blueberry/keep-${CREATED}`);
    assertNames(
      pull.body,
      'user:default/guest',
      'POST /api/blueberry/environments/:instance/:name/keep',
    );
    assert.equal(
      Date.parse(
        applicationOn(`blueberry/keep-${CREATED}`, CREATED).metadata
          .annotations['blueberry.io/expires-at'],
      ),
      Date.parse(kept.expiresAt),
    );
    // Proposed, not done: main keeps the old expiry until the pull request is merged.
    assert.equal(await mainHead(), headBefore);

    await stack.github.repository.merge(pull.number);
    const environment = await until(
      `${CREATED}'s new expiry on the REST API`,
      async () => (await served()).find(e => e.name === CREATED),
      e =>
        Boolean(e?.expiresAt) &&
        Date.parse(e!.expiresAt!) === Date.parse(kept.expiresAt),
    );
    assert.equal(
      Date.parse(environment!.expiresAt!),
      Date.parse(kept.expiresAt),
    );
  });

  it('the expiry janitor proposes the removal of an expired environment once, on blueberry/remove-<env>; merging prunes it', async () => {
    const expiredAt = new Date(Date.now() - 3600_000)
      .toISOString()
      .replace(/\.\d+Z$/, 'Z');
    await seedOnMain({
      name: EXPIRED,
      pullRequest: 102,
      mergeRequestUrl: 'https://github.com/acme/shop/pull/102',
      expiresAt: expiredAt,
    });
    await until(
      `${EXPIRED} deployed by Argo CD`,
      () => argoApplication(EXPIRED),
      app => app?.status?.health?.status === 'Healthy',
    );
    const headBefore = await mainHead();
    const branch = `blueberry/remove-${EXPIRED}`;
    const pull = await waitForPull(branch);
    assertNames(
      pull.body,
      /blueberry-expiry-janitor/,
      'blueberry-expiry-janitor',
    );
    assert.match(pull.body, /^Reason: expired at /m);
    assert.deepEqual(filesOf(branch, EXPIRED), []);
    // Later runs find the open pull request and propose nothing more; main is untouched.
    await sleep(6_000);
    openPull(branch);
    assert.equal(await mainHead(), headBefore);
    assert.ok(filesOf(GITHUB_GITOPS.branch, EXPIRED).length > 0);

    await stack.github.repository.merge(pull.number);
    await until(
      `${EXPIRED} pruned by Argo CD`,
      () => argoApplication(EXPIRED),
      app => app === undefined,
    );
  });

  it("GitHub's pull_request closed delivery (its own example, signed) proposes the removal of the environment recording that pull request", async () => {
    await seedOnMain({
      name: CLOSED,
      pullRequest: CLOSED_DELIVERY.number,
      mergeRequestUrl: EXAMPLE_PULL_REQUEST,
      expiresAt: new Date(Date.now() + 72 * 3600_000)
        .toISOString()
        .replace(/\.\d+Z$/, 'Z'),
    });
    const headBefore = await mainHead();
    await deliverGithub(CLOSED_DELIVERY);
    const branch = `blueberry/remove-${CLOSED}`;
    const pull = await waitForPull(branch, 30_000);
    assertNames(
      pull.body,
      `github:${CLOSED_DELIVERY.sender.login}`,
      'github.pull_request event (blueberry-backend-module-merge-request-events)',
    );
    assert.deepEqual(filesOf(branch, CLOSED), []);
    assert.equal(await mainHead(), headBefore);
    // Matched by the recorded pull request, not by name: the other environments are left alone.
    assert.deepEqual(pullsOn(`blueberry/remove-${CREATED}`), []);
    // The same delivery again: the open pull request answers it, no second one.
    await deliverGithub(CLOSED_DELIVERY);
    openPull(branch);
  });

  it('"Destroy environment" through the scaffolder opens a removal pull request; merging it prunes the environment', async () => {
    const headBefore = await mainHead();
    const taskId = await destroyEnvironmentThroughScaffolder(
      stack.backend.baseUrl,
      { entity: SHOP, name: CREATED, reason: 'The pull request is done' },
    );
    const branch = `blueberry/remove-${CREATED}`;
    const pull = openPull(branch);
    assertNames(pull.body, 'user:default/guest', new RegExp(`\\b${taskId}\\b`));
    assert.deepEqual(filesOf(branch, CREATED), []);
    assert.equal(await mainHead(), headBefore);
    assert.ok(
      (await argoApplication(CREATED)) !== undefined,
      'still deployed before the merge',
    );

    await stack.github.repository.merge(pull.number);
    await until(
      `${CREATED} pruned by Argo CD`,
      () => argoApplication(CREATED),
      app => app === undefined,
    );
    await until(
      `${CREATED} gone from the REST API`,
      served,
      items => !items.some(e => e.name === CREATED),
    );
  });

  it("Blueberry's GitHub requests all match GitHub's OpenAPI description, with the token, and never move main", () => {
    const { requests, problems, authorizations } = stack.github;
    assert.deepEqual(problems, []);
    assert.ok(
      requests.some(r => r.operationId === 'pulls/create'),
      'Blueberry opened no pull request',
    );
    assert.ok(authorizations.every(a => a.kind === 'token'));
    // Whatever the API calls, main moved only by the merge button and the test's own seeds.
    const onMain = git(
      'log',
      '--first-parent',
      '--format=%s',
      `${bootstrapHead}..${GITHUB_GITOPS.branch}`,
    )
      .split('\n')
      .filter(Boolean);
    assert.deepEqual(
      onMain.filter(
        subject =>
          !/^Merge pull request #\d+ from /.test(subject) &&
          subject !== `blueberry: create environment ${EXPIRED}` &&
          subject !== `blueberry: create environment ${CLOSED}`,
      ),
      [],
    );
  });
});
