import { ConflictError, InputError } from '@backstage/errors';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  exampleRenderOptions,
  shopPullRequestSpec,
} from '../__fixtures__/shopEnvironment';
import { renderEnvironment } from '../render/renderEnvironment';
import { writeRenderedFiles } from './files';
import { git } from './git';
import { parseTrailers } from './gitopsHistory';
import { LocalGitopsRepository } from './localGitopsRepository';

// Real git on a shared 2-core machine.
jest.setTimeout(60_000);

const ENV = shopPullRequestSpec.name;
const DIR = `environments/${ENV}`;

describe('LocalGitopsRepository history and restore (real git)', () => {
  let root: string;
  let repo: LocalGitopsRepository;
  let workspace: string;
  const head = async () =>
    (await git(repo.path, ['rev-parse', 'HEAD'])).stdout.trim();
  const commitCount = async () =>
    Number(
      (await git(repo.path, ['rev-list', '--count', 'HEAD'])).stdout.trim(),
    );
  /** Commits the workspace's folder as the environment, as the create action does. */
  const commitWorkspace = (message: string) =>
    repo.commitEnvironment({
      environment: ENV,
      sourceDir: path.join(workspace, DIR),
      update: true,
      message,
    });

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'blueberry-history-'));
    workspace = path.join(root, 'workspace');
    repo = await LocalGitopsRepository.open({
      path: path.join(root, 'gitops'),
      branch: 'main',
      render: exampleRenderOptions,
    });
    await writeRenderedFiles(
      workspace,
      renderEnvironment(shopPullRequestSpec, exampleRenderOptions),
    );
    await commitWorkspace(
      [
        `blueberry: create environment ${ENV}`,
        '',
        'Reason: merge request !123 opened',
        'Requested-by: user:default/jane',
        'Task: scaffolder task 42',
      ].join('\n'),
    );
  });

  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it('lists the commits touching the folder newest first, with who and why from the trailers and the diff', async () => {
    const valuesFile = `${DIR}/components/shop-backend/kustomization.yaml`;
    const values = path.join(workspace, valuesFile);
    await fs.writeFile(
      values,
      (
        await fs.readFile(values, 'utf8')
      ).replace(/sha256:\w+/, `sha256:${'b'.repeat(64)}`),
    );
    await commitWorkspace('blueberry: update environment pr-123');
    // Another environment's commit is not in this history.
    await fs.mkdir(path.join(repo.path, 'environments/other'), {
      recursive: true,
    });
    await fs.writeFile(
      path.join(repo.path, 'environments/other/application.yaml'),
      'x: 1\n',
    );
    await git(repo.path, ['add', '-A']);
    await git(repo.path, ['commit', '-q', '-m', 'other environment']);

    const { commits, nextCursor } = await repo.history(ENV, { limit: 10 });

    expect(nextCursor).toBeUndefined();
    expect(commits.map(c => c.message.split('\n')[0])).toEqual([
      'blueberry: update environment pr-123',
      `blueberry: create environment ${ENV}`,
    ]);
    const [update, create] = commits;
    expect(update.files).toEqual([{ path: valuesFile, change: 'modified' }]);
    expect(update.diff).toContain(`+++ b/${valuesFile}`);
    expect(update.diff).toContain(`sha256:${'b'.repeat(64)}`);
    expect(update.diffTruncated).toBe(false);
    expect(create.trailers).toEqual({
      Reason: 'merge request !123 opened',
      'Requested-by': 'user:default/jane',
      Task: 'scaffolder task 42',
    });
    expect(create.author).toBe('Blueberry <blueberry@localhost>');
    expect(create.revision).toMatch(/^[0-9a-f]{40}$/);
    expect(Date.parse(create.committedAt)).not.toBeNaN();
    expect(create.files.every(f => f.change === 'added')).toBe(true);
    expect(create.files.map(f => f.path)).toContain(`${DIR}/application.yaml`);
  });

  it('pages with a cursor: every commit once, in order, and the last page has no cursor', async () => {
    const application = path.join(workspace, DIR, 'application.yaml');
    for (let i = 1; i <= 4; i++) {
      await fs.appendFile(application, `# change ${i}\n`);
      await commitWorkspace(`change ${i}`);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await repo.history(ENV, { limit: 2, cursor });
      seen.push(...page.commits.map(c => c.message));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([
      'change 4',
      'change 3',
      'change 2',
      'change 1',
      expect.stringMatching(/^blueberry: create environment/),
    ]);
    await expect(
      repo.history(ENV, { limit: 2, cursor: 'f'.repeat(40) }),
    ).rejects.toThrow(InputError);
    await expect(
      repo.history(ENV, { limit: 2, cursor: 'HEAD~1' }),
    ).rejects.toThrow(InputError);
  });

  it('follows a renamed file and shows a removed one', async () => {
    const from = path.join(workspace, DIR, 'manifests', 'namespace.yaml');
    const to = path.join(workspace, DIR, 'manifests', 'ns.yaml');
    await fs.rename(from, to);
    await commitWorkspace('rename the namespace manifest');
    await fs.rm(to);
    await commitWorkspace('remove the namespace manifest');

    const { commits } = await repo.history(ENV, { limit: 10 });
    expect(commits[1].files).toEqual([
      {
        path: `${DIR}/manifests/ns.yaml`,
        change: 'renamed',
        previousPath: `${DIR}/manifests/namespace.yaml`,
      },
    ]);
    expect(commits[1].diff).toContain(
      `rename from ${DIR}/manifests/namespace.yaml`,
    );
    expect(commits[0].files).toEqual([
      { path: `${DIR}/manifests/ns.yaml`, change: 'deleted' },
    ]);
    expect(commits[0].diff).toContain('deleted file mode');
  });

  it('cuts a long diff at a line and says so', async () => {
    const big = Array.from(
      { length: 4000 },
      (_, i) => `line-${i}: ${'x'.repeat(20)}`,
    ).join('\n');
    await fs.writeFile(path.join(workspace, DIR, 'notes.yaml'), `${big}\n`);
    await commitWorkspace('a big file');
    const [commit] = (await repo.history(ENV, { limit: 1 })).commits;
    expect(commit.diffTruncated).toBe(true);
    expect(Buffer.byteLength(commit.diff)).toBeLessThanOrEqual(32 * 1024);
    expect(commit.diff.endsWith('x')).toBe(true);
  });

  it('restores the folder to exactly its files at a revision in one commit', async () => {
    const first = await head();
    const firstTree = (
      await git(repo.path, ['rev-parse', `${first}:${DIR}`])
    ).stdout.trim();
    const values = path.join(
      workspace,
      DIR,
      'components/shop-backend/values.yaml',
    );
    await fs.appendFile(values, '# later\n');
    await fs.writeFile(path.join(workspace, DIR, 'added-later.yaml'), 'a: 1\n');
    await commitWorkspace('later change');

    const restored = await repo.restoreEnvironment({
      environment: ENV,
      revision: first,
      message: 'blueberry: roll back',
    });

    expect(restored.changed).toBe(true);
    expect(restored.commit).toBe(await head());
    expect(
      (await git(repo.path, ['rev-parse', `HEAD:${DIR}`])).stdout.trim(),
    ).toBe(firstTree);
    expect(
      (await git(repo.path, ['status', '--porcelain'])).stdout.trim(),
    ).toBe('');
    expect(
      await fs.readFile(
        path.join(repo.path, DIR, 'components/shop-backend/values.yaml'),
        'utf8',
      ),
    ).not.toContain('# later');
    expect(
      (await repo.readFiles(ENV, restored.commit)).get(
        `${DIR}/added-later.yaml`,
      ),
    ).toBeUndefined();
    expect(
      [...(await repo.readFiles(ENV, restored.commit)).keys()].sort(),
    ).toEqual([...(await repo.readFiles(ENV, first)).keys()].sort());
  });

  it('refuses a revision outside the history, one holding no environment, the current files and a dirty folder, committing nothing', async () => {
    const first = await head();
    const outside = (
      await git(repo.path, ['commit', '-q', '--allow-empty', '-m', 'elsewhere'])
    ).stdout;
    expect(outside).toBe('');
    const elsewhere = await head();
    const before = await commitCount();
    const restore = (revision: string) =>
      repo.restoreEnvironment({ environment: ENV, revision, message: 'x' });

    await expect(restore(elsewhere)).rejects.toThrow(InputError);
    await expect(restore('0'.repeat(40))).rejects.toThrow(InputError);
    await expect(restore('HEAD')).rejects.toThrow(InputError);
    await expect(restore(first)).rejects.toThrow(ConflictError);

    await repo.removeEnvironment({ environment: ENV, message: 'remove' });
    const removal = await head();
    await expect(restore(removal)).rejects.toThrow(/removed it/);

    await fs.mkdir(path.join(repo.path, DIR), { recursive: true });
    await fs.writeFile(path.join(repo.path, DIR, 'stray.yaml'), 'a: 1\n');
    await expect(restore(first)).rejects.toThrow(ConflictError);
    expect(await commitCount()).toBe(before + 1); // only the removal
  });
});

describe('parseTrailers', () => {
  it('reads the last paragraph of key: value lines, and nothing from a message without them', () => {
    expect(parseTrailers('summary\n\nReason: why\nTask: t\n')).toEqual({
      Reason: 'why',
      Task: 't',
    });
    expect(parseTrailers('summary only')).toEqual({});
    expect(parseTrailers('summary\n\njust a sentence')).toEqual({});
  });
});
