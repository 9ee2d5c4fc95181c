import { git } from '@blueberry-idp/plugin-blueberry-node';
import { parse } from 'yaml';
import { systemOf } from './__testUtils__/appRepository';
import { startMergeRequestWorld } from './__testUtils__/backend';
import {
  at,
  githubPullRequestEvent,
  gitlabMergeRequestHook,
} from './__testUtils__/payloads';

// A real backend (events, scaffolder), real template tasks, real git, Debian's real registry with
// htpasswd on, and the application repository served over real HTTP; a shared 2-core machine.
jest.setTimeout(180_000);

const LABEL = 'preview';
const FIRST = '1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const SECOND = '2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const STORE_URL = 'https://github.com/acme/store/pull/12';

describe('merge request environments: names that never collide, and pushes followed', () => {
  let world: Awaited<ReturnType<typeof startMergeRequestWorld>>;
  let repo: typeof world.host;
  let registry: typeof world.registry;
  const deliver = (provider: 'gitlab' | 'github', payload: unknown) =>
    world.deliver(provider, payload);

  beforeAll(async () => {
    // The store's repository: the example shop's blueprint and values, on this run's registry;
    // on GitHub and on GitLab alike (the annotations), as a mirrored repository is.
    world = await startMergeRequestWorld({
      label: LABEL,
      shopRepository: 'store',
      entities: url => [
        systemOf('store', 'acme/store', url),
        systemOf('admin', 'acme/admin'),
      ],
    });
    ({ host: repo, registry } = world);
  });

  afterAll(() => world?.stop());

  const pr = (
    repository: string,
    action: Parameters<typeof githubPullRequestEvent>[0]['action'],
    minute: number,
    headSha?: string,
  ) =>
    githubPullRequestEvent({
      number: 12,
      action,
      labels: [LABEL],
      ...(action === 'labeled' ? { label: LABEL } : {}),
      updatedAt: at(minute),
      repository,
      headSha,
    });

  const show = async (file: string) =>
    (await git(repo.repoPath!, ['show', `HEAD:environments/${file}`])).stdout;
  const valuesOf = async (environment: string, component: string) =>
    parse(await show(`${environment}/components/${component}/values.yaml`));
  const kustomizationOf = (environment: string, component: string) =>
    show(`${environment}/components/${component}/kustomization.yaml`);

  let firstDigest: string;

  it("two repositories' pull request 12 make two environments, named by app", async () => {
    firstDigest = await registry.pushImage('shop/backend', FIRST.slice(0, 7));
    await registry.pushImage('shop/storefront', '1.8.0');
    expect(
      await deliver('github', pr('acme/store', 'labeled', 1, FIRST)),
    ).toEqual({ environments: ['store-pr-12'], newCommits: 1 });
    expect(
      await deliver('github', pr('acme/admin', 'labeled', 1, FIRST)),
    ).toEqual({ environments: ['admin-pr-12', 'store-pr-12'], newCommits: 1 });
  });

  it("the blueprint's environment runs the head commit: recorded, its image by digest, its values", async () => {
    const application = await repo.application('store-pr-12');
    expect(application.metadata.annotations).toMatchObject({
      'blueberry.io/commit': FIRST,
      'blueberry.io/merge-request': STORE_URL,
    });
    expect(await kustomizationOf('store-pr-12', 'shop-backend')).toContain(
      firstDigest,
    );
    expect((await valuesOf('store-pr-12', 'shop-backend')).env).toEqual({
      LOG_LEVEL: 'debug',
      REDIS_HOST: 'redis',
    });
    // Without a blueprint, the template's defaults, and no commit claimed.
    expect(
      (await repo.application('admin-pr-12')).metadata.annotations[
        'blueberry.io/commit'
      ],
    ).toBeUndefined();
  });

  it('a push whose image is not in the registry yet changes nothing', async () => {
    expect(
      await deliver('github', pr('acme/store', 'synchronize', 2, SECOND)),
    ).toEqual({ environments: ['admin-pr-12', 'store-pr-12'], newCommits: 0 });
    expect(
      (await repo.application('store-pr-12')).metadata.annotations[
        'blueberry.io/commit'
      ],
    ).toBe(FIRST);
  });

  it('once CI pushed the image, the redelivered synchronize moves it to the new head in one commit', async () => {
    const secondDigest = await registry.pushImage(
      'shop/backend',
      SECOND.slice(0, 7),
      'second build',
    );
    expect(
      await deliver('github', pr('acme/store', 'synchronize', 2, SECOND)),
    ).toEqual({ environments: ['admin-pr-12', 'store-pr-12'], newCommits: 1 });
    expect(
      (await repo.application('store-pr-12')).metadata.annotations[
        'blueberry.io/commit'
      ],
    ).toBe(SECOND);
    const kustomization = await kustomizationOf('store-pr-12', 'shop-backend');
    expect(kustomization).toContain(secondDigest);
    expect(kustomization).not.toContain(firstDigest);
    expect(await repo.lastMessage()).toMatch(
      /has a new head, 2222222[\s\S]*Requested-by: github:octocat/,
    );
  });

  it('the same synchronize again, and an older one arriving late, change nothing', async () => {
    expect(
      await deliver('github', pr('acme/store', 'synchronize', 2, SECOND)),
    ).toEqual({ environments: ['admin-pr-12', 'store-pr-12'], newCommits: 0 });
    expect(
      await deliver('github', pr('acme/store', 'synchronize', 1, FIRST)),
    ).toEqual({ environments: ['admin-pr-12', 'store-pr-12'], newCommits: 0 });
    expect(
      (await repo.application('store-pr-12')).metadata.annotations[
        'blueberry.io/commit'
      ],
    ).toBe(SECOND);
  });

  it('a push left behind (its image came late) is caught up by the next event of the pull request', async () => {
    const third = '3333333ccccccccccccccccccccccccccccccccc';
    expect(
      await deliver('github', pr('acme/store', 'synchronize', 3, third)),
    ).toEqual({ environments: ['admin-pr-12', 'store-pr-12'], newCommits: 0 });
    const digest = await registry.pushImage(
      'shop/backend',
      third.slice(0, 7),
      'third build',
    );
    // Someone labels it again, later: not a push, but the environment is behind the head.
    expect(
      await deliver('github', pr('acme/store', 'labeled', 4, third)),
    ).toEqual({ environments: ['admin-pr-12', 'store-pr-12'], newCommits: 1 });
    expect(
      (await repo.application('store-pr-12')).metadata.annotations[
        'blueberry.io/commit'
      ],
    ).toBe(third);
    expect(await kustomizationOf('store-pr-12', 'shop-backend')).toContain(
      digest,
    );
  });

  it('closing one repository’s pull request 12 removes only its own environment', async () => {
    expect(
      await deliver('github', pr('acme/admin', 'closed', 3, FIRST)),
    ).toEqual({ environments: ['store-pr-12'], newCommits: 1 });
    expect(await repo.lastMessage()).toContain(
      'blueberry: remove environment admin-pr-12',
    );
  });

  it("the same app's merge request 12 on another host is refused, not written over the first", async () => {
    // GitLab's acme/store !12 is another merge request than GitHub's acme/store #12, and the default
    // name {app}-pr-{number} gives both store-pr-12: the second is refused.
    expect(
      await deliver(
        'gitlab',
        gitlabMergeRequestHook({
          iid: 12,
          action: 'update',
          labels: [LABEL],
          updatedAt: at(4),
          headSha: SECOND,
          oldrev: FIRST,
          project: 'acme/store',
        }),
      ),
    ).toEqual({ environments: ['store-pr-12'], newCommits: 0 });
    expect(
      (await repo.application('store-pr-12')).metadata.annotations[
        'blueberry.io/merge-request'
      ],
    ).toBe(STORE_URL);
  });
});
