import { InputError } from '@backstage/errors';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  exampleRenderOptions,
  shopPullRequestSpec,
} from '../__fixtures__/shopEnvironment';
import { renderEnvironment } from '../render/renderEnvironment';
import { listFiles, writeRenderedFiles } from './files';
import { git } from './git';
import { parseTrailers } from './gitopsHistory';
import type { GitopsFileEdit } from './GitopsRepository';
import { LocalGitopsRepository } from './localGitopsRepository';

// Real git on a shared 2-core machine.
jest.setTimeout(60_000);

const ENV = shopPullRequestSpec.name;
const DIR = `environments/${ENV}`;
const REQUEST = {
  reason: 'merge request !123 opened',
  requestedBy: 'user:default/jane',
  task: 'scaffolder task 42',
};

describe('LocalGitopsRepository history and rollback through proposeChange (real git)', () => {
  let root: string;
  let repo: LocalGitopsRepository;
  let workspace: string;
  const head = async () =>
    (await git(repo.path, ['rev-parse', 'HEAD'])).stdout.trim();
  /** Changes the folder to exactly the workspace's (writes and deletes), as the propose action does. */
  const commitWorkspace = async (summary: string) => {
    const folder = path.join(workspace, DIR);
    const written: GitopsFileEdit[] = await Promise.all(
      (
        await listFiles(folder)
      ).map(async file => ({
        path: `${DIR}/${file}`,
        content: await fs.readFile(path.join(folder, file)),
      })),
    );
    const removed = [...(await repo.readFiles(ENV)).keys()]
      .filter(p => !written.some(file => file.path === p))
      .map(p => ({ path: p, content: null }));
    return repo.proposeChange({
      environment: ENV,
      kind: 'update',
      summary,
      request: REQUEST,
      files: [...written, ...removed],
    });
  };

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
    await commitWorkspace(`create environment ${ENV}`);
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
    await commitWorkspace('update environment pr-123');
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
      seen.push(...page.commits.map(c => c.message.split('\n')[0]));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([
      'blueberry: change 4',
      'blueberry: change 3',
      'blueberry: change 2',
      'blueberry: change 1',
      `blueberry: create environment ${ENV}`,
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

  it('rolls the folder back to exactly its files at a revision in one commit: files changed since restored, files added since deleted', async () => {
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

    // What a rollback proposes: the files at the revision, and the deletion of every file since.
    const [atFirst, current] = await Promise.all([
      repo.readFiles(ENV, first),
      repo.readFiles(ENV),
    ]);
    const restored = await repo.proposeChange({
      environment: ENV,
      kind: 'rollback',
      summary: `roll back environment ${ENV}`,
      request: REQUEST,
      files: [
        ...[...atFirst].map(([p, content]) => ({ path: p, content })),
        ...[...current.keys()]
          .filter(p => !atFirst.has(p))
          .map(p => ({ path: p, content: null })),
      ],
    });

    expect(restored.status).toBe('committed');
    expect(restored.revision).toBe(await head());
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
      (await repo.readFiles(ENV, restored.revision)).get(
        `${DIR}/added-later.yaml`,
      ),
    ).toBeUndefined();
    expect(
      [...(await repo.readFiles(ENV, restored.revision)).keys()].sort(),
    ).toEqual([...atFirst.keys()].sort());
    const [rollback] = (await repo.history(ENV, { limit: 1 })).commits;
    expect(rollback.files).toEqual(
      expect.arrayContaining([
        { path: `${DIR}/added-later.yaml`, change: 'deleted' },
        {
          path: `${DIR}/components/shop-backend/values.yaml`,
          change: 'modified',
        },
      ]),
    );
    // A revision is read only as a full commit SHA.
    await expect(repo.readFiles(ENV, 'HEAD')).rejects.toThrow(InputError);
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
