import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  githubNotFound,
  githubValidationFailed,
  startGithubApiServer,
  type GithubAnswer,
  type GithubApiApp,
  type GithubApiHandler,
  type GithubApiRequest,
  type GithubApiServer,
} from './githubApiServer';
import { githubAppHandler } from './githubAppHandler';

/** A pull request of the repository, as the stand-in holds it. */
export interface GithubGitPullRequest {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: 'open' | 'closed';
  merged: boolean;
}

/**
 * One GitHub repository held in a real bare git repository: every object the Git data API makes
 * (blobs, trees, commits, refs) is made by the real git CLI, and the history, the rename
 * detection and the patches the Commits API answers are git's own.
 */
export interface GithubGitRepository {
  owner: string;
  repo: string;
  /** The bare repository's folder. */
  gitDir: string;
  pulls: GithubGitPullRequest[];
  /** Commits `files` (path to content; null deletes) onto `branch` directly, as a push would. */
  push(
    branch: string,
    message: string,
    files: Record<string, string | null>,
  ): Promise<string>;
  /** The commit a branch points at, or undefined. */
  head(branch: string): Promise<string | undefined>;
  /** What the merge button does: a merge commit on the base branch; the head branch deleted. */
  merge(number: number): Promise<string>;
}

export interface GithubGitopsStandIn extends Omit<GithubApiServer, 'failOnce'> {
  repository: GithubGitRepository;
  failOnce: GithubApiServer['failOnce'];
}

const ZERO_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/**
 * A stand-in for the GitHub endpoints a GitOps repository client calls, on `startGithubApiServer`
 * (so every request and answer is checked against GitHub's OpenAPI description): git trees and
 * blobs, commits and refs (Git data API), the Commits API (`sha`, `path`, one commit's files and
 * patches) and pull requests (list by `head`/`base`, create; 422 when one is open for the head).
 * With `app`, it also serves the GitHub App endpoints, so App credentials can be tested.
 */
export async function startGithubGitopsStandIn(options: {
  owner: string;
  repo: string;
  files: Record<string, string>;
  branch?: string;
  token?: string;
  app?: GithubApiApp;
}): Promise<GithubGitopsStandIn> {
  const gitDir = await fs.mkdtemp(path.join(os.tmpdir(), 'github-standin-'));
  await run(gitDir, ['init', '-q', '--bare', '-b', options.branch ?? 'main']);
  let repository!: GithubGitRepository;
  const server = await startGithubApiServer({
    token: options.token,
    app: options.app,
    handlers: [
      ...(options.app ? [githubAppHandler(options.app)] : []),
      started => {
        const made = githubGitRepositoryHandler(started, {
          owner: options.owner,
          repo: options.repo,
          gitDir,
        });
        repository = made.repository;
        return made.handle;
      },
    ],
  });
  await repository.push(
    options.branch ?? 'main',
    'Initial commit',
    options.files,
  );
  return {
    ...server,
    repository,
    close: async () => {
      await server.close();
      await fs.rm(gitDir, { recursive: true, force: true });
    },
  };
}

/** The handler of one repository's git endpoints, and the repository it serves. */
export function githubGitRepositoryHandler(
  server: GithubApiServer,
  options: { owner: string; repo: string; gitDir: string },
): { repository: GithubGitRepository; handle: GithubApiHandler } {
  const { owner, repo, gitDir } = options;
  const repoUrl = () => `${server.url}/repos/${owner}/${repo}`;
  const htmlUrl = `https://github.com/${owner}/${repo}`;
  const pulls: GithubGitPullRequest[] = [];
  let clock = Date.parse('2030-01-01T00:00:00Z');
  const git = (args: string[], input?: string, env?: Record<string, string>) =>
    run(gitDir, args, input, env);

  const resolve = async (rev: string): Promise<string | undefined> => {
    const out = await git(['rev-parse', '--verify', '-q', rev]).catch(
      () => undefined,
    );
    return out?.trim() || undefined;
  };
  const head = (branch: string) => resolve(`refs/heads/${branch}^{commit}`);

  /** A commit of `tree` with `parents`, at the stand-in's clock (a minute a commit). */
  const commitTree = async (
    tree: string,
    parents: string[],
    message: string,
  ): Promise<string> => {
    clock += 60_000;
    const date = `${Math.floor(clock / 1000)} +0000`;
    const out = await git(
      ['commit-tree', tree, ...parents.flatMap(p => ['-p', p])],
      message,
      {
        GIT_AUTHOR_NAME: 'Blueberry',
        GIT_AUTHOR_EMAIL: 'blueberry@localhost',
        GIT_COMMITTER_NAME: 'Blueberry',
        GIT_COMMITTER_EMAIL: 'blueberry@localhost',
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
      },
    );
    return out.trim();
  };

  /** A tree: `base` with `entries` set (a blob sha) or removed (null), through a scratch index. */
  const writeTree = async (
    base: string | undefined,
    entries: Array<{ path: string; mode: string; sha: string | null }>,
  ): Promise<string> => {
    const index = path.join(
      gitDir,
      `index-${process.hrtime.bigint().toString()}`,
    );
    const env = { GIT_INDEX_FILE: index };
    try {
      if (base) await git(['read-tree', base], undefined, env);
      else await git(['read-tree', '--empty'], undefined, env);
      // `--index-info` works in a bare repository: mode 0 and a zero id remove a path.
      const info = entries
        .map(entry =>
          entry.sha === null
            ? `0 ${'0'.repeat(40)}\t${entry.path}`
            : `${entry.mode} ${entry.sha}\t${entry.path}`,
        )
        .join('\0');
      if (info) {
        await git(['update-index', '-z', '--index-info'], `${info}\0`, env);
      }
      return (await git(['write-tree'], undefined, env)).trim();
    } finally {
      await fs.rm(index, { force: true });
    }
  };

  const repository: GithubGitRepository = {
    owner,
    repo,
    gitDir,
    pulls,
    head,
    async push(branch, message, files) {
      const parent = await head(branch);
      const entries = [];
      for (const [file, content] of Object.entries(files)) {
        entries.push({
          path: file,
          mode: '100644',
          sha:
            content === null
              ? null
              : (await git(['hash-object', '-w', '--stdin'], content)).trim(),
        });
      }
      const tree = await writeTree(parent, entries);
      const commit = await commitTree(tree, parent ? [parent] : [], message);
      await git(['update-ref', `refs/heads/${branch}`, commit]);
      return commit;
    },
    async merge(number) {
      const pull = pulls.find(p => p.number === number && p.state === 'open');
      if (!pull) throw new Error(`no open pull request #${number}`);
      const [base, source] = [await head(pull.base), await head(pull.head)];
      if (!base || !source) throw new Error(`#${number} lost a branch`);
      const tree = (
        await git(['merge-tree', '--write-tree', base, source])
      ).split('\n')[0];
      const commit = await commitTree(
        tree,
        [base, source],
        `Merge pull request #${number} from ${owner}/${pull.head}\n\n${pull.title}`,
      );
      await git(['update-ref', `refs/heads/${pull.base}`, commit]);
      await git(['update-ref', '-d', `refs/heads/${pull.head}`]);
      Object.assign(pull, { state: 'closed', merged: true });
      return commit;
    },
  };

  const objectType = async (sha: string) =>
    (await git(['cat-file', '-t', sha]).catch(() => '')).trim();

  async function treeBody(sha: string, recursive: boolean) {
    const listed = await git([
      'ls-tree',
      '-l',
      '-z',
      ...(recursive ? ['-r', '-t'] : []),
      sha,
    ]);
    return {
      sha,
      url: `${repoUrl()}/git/trees/${sha}`,
      truncated: false,
      tree: listed
        .split('\0')
        .filter(Boolean)
        .map(line => {
          const [meta, entryPath] = line.split('\t');
          const [mode, type, entrySha, size] = meta.split(/\s+/);
          return {
            path: entryPath,
            mode,
            type,
            sha: entrySha,
            ...(type === 'blob' ? { size: Number(size) } : {}),
            url: `${repoUrl()}/git/${type}s/${entrySha}`,
          };
        }),
    };
  }

  async function gitCommitBody(sha: string) {
    const raw = await git(['cat-file', 'commit', sha]);
    const [headers, ...message] = raw.split('\n\n');
    const field = (name: string) =>
      headers
        .split('\n')
        .filter(l => l.startsWith(`${name} `))
        .map(l => l.slice(name.length + 1));
    const person = (line: string) => {
      const m = /^(.*) <(.*)> (\d+) [+-]\d{4}$/.exec(line)!;
      return {
        name: m[1],
        email: m[2],
        date: new Date(Number(m[3]) * 1000)
          .toISOString()
          .replace(/\.\d+Z$/, 'Z'),
      };
    };
    return {
      sha,
      node_id: `C_${sha}`,
      url: `${repoUrl()}/git/commits/${sha}`,
      html_url: `${htmlUrl}/commit/${sha}`,
      author: person(field('author')[0]),
      committer: person(field('committer')[0]),
      message: message.join('\n\n').replace(/\n$/, ''),
      tree: {
        sha: field('tree')[0],
        url: `${repoUrl()}/git/trees/${field('tree')[0]}`,
      },
      parents: field('parent').map(p => ({
        sha: p,
        url: `${repoUrl()}/git/commits/${p}`,
        html_url: `${htmlUrl}/commit/${p}`,
      })),
      verification: {
        verified: false,
        reason: 'unsigned',
        signature: null,
        payload: null,
        verified_at: null,
      },
    };
  }

  /** The Commits API's commit object (`repos/list-commits`, `repos/get-commit`). */
  async function commitBody(example: any, sha: string) {
    const object = await gitCommitBody(sha);
    return {
      ...example,
      sha,
      node_id: object.node_id,
      url: `${repoUrl()}/commits/${sha}`,
      html_url: object.html_url,
      comments_url: `${repoUrl()}/commits/${sha}/comments`,
      commit: {
        ...example.commit,
        url: object.url,
        author: object.author,
        committer: object.committer,
        message: object.message,
        tree: object.tree,
        comment_count: 0,
        verification: object.verification,
      },
      author: null,
      committer: null,
      parents: object.parents.map(p => ({
        sha: p.sha,
        url: p.url,
        html_url: p.html_url,
      })),
    };
  }

  /** One commit's files against its first parent, with git's rename detection and patches. */
  async function commitFiles(sha: string) {
    const parent = (await resolve(`${sha}^1`)) ?? ZERO_TREE;
    const raw = await git([
      'diff-tree',
      '-r',
      '-M',
      '-z',
      '--no-commit-id',
      parent,
      sha,
    ]);
    const parts = raw.split('\0').filter(Boolean);
    const files = [];
    for (let i = 0; i < parts.length; ) {
      const meta = parts[i++].replace(/^:/, '').split(' ');
      const status = meta[4];
      const from = parts[i++];
      const to = status.startsWith('R') ? parts[i++] : from;
      const blob = status === 'D' ? meta[2] : meta[3];
      const patch = (
        await git([
          'diff',
          '-M',
          '--no-color',
          '--no-ext-diff',
          parent,
          sha,
          '--',
          ...(from === to ? [to] : [from, to]),
        ])
      )
        .split('\n')
        .filter(l => /^[-+ @\\]/.test(l) && !/^(---|\+\+\+) /.test(l))
        .join('\n');
      const numstat = await git([
        'diff',
        '--numstat',
        '-M',
        parent,
        sha,
        '--',
        ...(from === to ? [to] : [from, to]),
      ]);
      const [additions, deletions] = numstat.split('\t').map(Number);
      files.push({
        sha: blob,
        filename: to,
        status:
          (
            { A: 'added', D: 'removed', M: 'modified', R: 'renamed' } as Record<
              string,
              string
            >
          )[status[0]] ?? 'changed',
        additions: additions || 0,
        deletions: deletions || 0,
        changes: (additions || 0) + (deletions || 0),
        blob_url: `${htmlUrl}/blob/${sha}/${to}`,
        raw_url: `${htmlUrl}/raw/${sha}/${to}`,
        contents_url: `${repoUrl()}/contents/${to}?ref=${sha}`,
        ...(patch ? { patch } : {}),
        ...(status.startsWith('R') ? { previous_filename: from } : {}),
      });
    }
    return files;
  }

  function refBody(ref: string, sha: string) {
    return {
      ref,
      node_id: `REF_${ref}`,
      url: `${repoUrl()}/git/${ref}`,
      object: { type: 'commit', sha, url: `${repoUrl()}/git/commits/${sha}` },
    };
  }

  function pullBody(
    example: any,
    pull: GithubGitPullRequest,
    heads: { head?: string; base?: string },
  ) {
    const side = (ref: string, sha: string | undefined, sideExample: any) => ({
      ...sideExample,
      label: `${owner}:${ref}`,
      ref,
      sha: sha ?? '0'.repeat(40),
    });
    return {
      ...example,
      number: pull.number,
      id: 5000 + pull.number,
      title: pull.title,
      body: pull.body,
      state: pull.state,
      merged_at: pull.merged
        ? example.merged_at ?? '2030-01-01T00:00:00Z'
        : null,
      url: `${repoUrl()}/pulls/${pull.number}`,
      html_url: `${htmlUrl}/pull/${pull.number}`,
      head: side(pull.head, heads.head, example.head),
      base: side(pull.base, heads.base, example.base),
      // GitHub's own example lists a team without the `type` its schema requires: no teams here.
      requested_teams: [],
      ...(example.merged === undefined ? {} : { merged: pull.merged }),
    };
  }

  async function handle({
    operation,
    body,
    query,
  }: GithubApiRequest): Promise<GithubAnswer | undefined> {
    const p = operation.pathParams;
    if (p.owner === undefined || p.repo === undefined) return undefined;
    if (p.owner !== owner || p.repo !== repo) return githubNotFound();
    const { api } = server;
    switch (operation.operationId) {
      case 'git/get-tree': {
        const sha = await resolve(`${p.tree_sha}^{tree}`);
        if (!sha) return githubNotFound();
        return {
          status: 200,
          body: await treeBody(sha, Boolean(query.get('recursive'))),
        };
      }
      case 'git/get-blob': {
        if ((await objectType(p.file_sha)) !== 'blob') return githubNotFound();
        const content = await runBytes(gitDir, [
          'cat-file',
          'blob',
          p.file_sha,
        ]);
        return {
          status: 200,
          body: {
            sha: p.file_sha,
            node_id: `B_${p.file_sha}`,
            url: `${repoUrl()}/git/blobs/${p.file_sha}`,
            size: content.length,
            content: content.toString('base64'),
            encoding: 'base64',
          },
        };
      }
      case 'git/create-blob': {
        const content =
          body.encoding === 'base64'
            ? Buffer.from(body.content, 'base64')
            : Buffer.from(body.content, 'utf8');
        const sha = (
          await runBytes(gitDir, ['hash-object', '-w', '--stdin'], content)
        )
          .toString()
          .trim();
        return {
          status: 201,
          body: { url: `${repoUrl()}/git/blobs/${sha}`, sha },
        };
      }
      case 'git/create-tree': {
        const base = body.base_tree
          ? await resolve(`${body.base_tree}^{tree}`)
          : undefined;
        if (body.base_tree && !base)
          return githubValidationFailed('base_tree is not a valid tree');
        const entries = [];
        for (const entry of body.tree as any[]) {
          if (entry.content !== undefined && entry.sha !== undefined) {
            return githubValidationFailed('tree.sha and content are exclusive');
          }
          let sha = entry.sha;
          if (entry.content !== undefined) {
            sha = (
              await git(['hash-object', '-w', '--stdin'], entry.content)
            ).trim();
          } else if (sha !== null && !(await objectType(sha))) {
            return githubValidationFailed(
              `tree.sha ${sha} is not a valid blob`,
            );
          }
          entries.push({ path: entry.path, mode: entry.mode, sha });
        }
        const tree = await writeTree(base, entries);
        return { status: 201, body: await treeBody(tree, false) };
      }
      case 'git/create-commit': {
        if ((await objectType(body.tree)) !== 'tree') {
          return githubValidationFailed('Tree SHA does not exist');
        }
        for (const parent of body.parents ?? []) {
          if ((await objectType(parent)) !== 'commit') {
            return githubValidationFailed(
              'Parent SHA does not exist or is not a commit object',
            );
          }
        }
        const sha = await commitTree(
          body.tree,
          body.parents ?? [],
          body.message,
        );
        return { status: 201, body: await gitCommitBody(sha) };
      }
      case 'git/get-commit': {
        if ((await objectType(p.commit_sha)) !== 'commit')
          return githubNotFound();
        return { status: 200, body: await gitCommitBody(p.commit_sha) };
      }
      case 'git/get-ref': {
        const sha = await resolve(`refs/${p.ref}^{commit}`);
        if (!p.ref.startsWith('heads/') || !sha) return githubNotFound();
        return { status: 200, body: refBody(`refs/${p.ref}`, sha) };
      }
      case 'git/create-ref': {
        if (!/^refs\/heads\/./.test(body.ref)) {
          return githubValidationFailed(
            'Reference name must start with refs/heads/',
          );
        }
        if (await resolve(body.ref))
          return githubValidationFailed('Reference already exists');
        if ((await objectType(body.sha)) !== 'commit') {
          return githubValidationFailed('Object does not exist');
        }
        await git(['update-ref', body.ref, body.sha]);
        return { status: 201, body: refBody(body.ref, body.sha) };
      }
      case 'git/update-ref': {
        const ref = `refs/${p.ref}`;
        const current = await resolve(ref);
        if (!current) return githubValidationFailed('Reference does not exist');
        if ((await objectType(body.sha)) !== 'commit') {
          return githubValidationFailed('Object does not exist');
        }
        const fastForward = await git([
          'merge-base',
          '--is-ancestor',
          current,
          body.sha,
        ]).then(
          () => true,
          () => false,
        );
        if (!fastForward && !body.force) {
          return githubValidationFailed('Update is not a fast forward');
        }
        await git(['update-ref', ref, body.sha]);
        return { status: 200, body: refBody(ref, body.sha) };
      }
      case 'repos/list-commits': {
        const start = await resolve(`${query.get('sha') ?? 'HEAD'}^{commit}`);
        if (!start) return githubNotFound();
        const perPage = Number(query.get('per_page') ?? 30);
        const page = Number(query.get('page') ?? 1);
        const listed = (
          await git([
            'log',
            '--format=%H',
            `--skip=${(page - 1) * perPage}`,
            `-n${perPage}`,
            start,
            ...(query.get('path') ? ['--', query.get('path')!] : []),
          ])
        )
          .split('\n')
          .filter(Boolean);
        const example = api.example(operation, 200)[0];
        return {
          status: 200,
          body: await Promise.all(
            listed.map(sha => commitBody(structuredClone(example), sha)),
          ),
        };
      }
      case 'repos/get-commit': {
        const sha = await resolve(`${p.ref}^{commit}`);
        if (!sha)
          return githubValidationFailed(`No commit found for SHA: ${p.ref}`);
        const example = api.example(operation, 200);
        const files = await commitFiles(sha);
        const additions = files.reduce((n, f) => n + f.additions, 0);
        const deletions = files.reduce((n, f) => n + f.deletions, 0);
        return {
          status: 200,
          body: {
            ...(await commitBody(example, sha)),
            stats: { additions, deletions, total: additions + deletions },
            files,
          },
        };
      }
      case 'pulls/list': {
        const headFilter = query.get('head');
        const listed = pulls
          .filter(
            pull =>
              (query.get('state') ?? 'open') === 'all' ||
              pull.state === (query.get('state') ?? 'open'),
          )
          .filter(
            pull =>
              (!headFilter || headFilter === `${owner}:${pull.head}`) &&
              (!query.get('base') || query.get('base') === pull.base),
          );
        const example = api.example(operation, 200)[0];
        return {
          status: 200,
          body: await Promise.all(
            listed.map(async pull =>
              pullBody(structuredClone(example), pull, {
                head: await head(pull.head),
                base: await head(pull.base),
              }),
            ),
          ),
        };
      }
      case 'pulls/create': {
        const [headBranch, baseBranch] = [
          await head(body.head),
          await head(body.base),
        ];
        if (!headBranch || !baseBranch) {
          return githubValidationFailed(
            'Validation Failed: head or base is not a branch',
          );
        }
        if (
          pulls.some(
            pull =>
              pull.state === 'open' &&
              pull.head === body.head &&
              pull.base === body.base,
          )
        ) {
          return {
            status: 422,
            body: {
              message: 'Validation Failed',
              documentation_url:
                'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
              errors: [
                {
                  resource: 'PullRequest',
                  code: 'custom',
                  message: `A pull request already exists for ${owner}:${body.head}.`,
                },
              ],
            },
          };
        }
        const pull: GithubGitPullRequest = {
          number: pulls.length + 1,
          title: body.title,
          body: body.body ?? '',
          head: body.head,
          base: body.base,
          state: 'open',
          merged: false,
        };
        pulls.push(pull);
        return {
          status: 201,
          body: pullBody(api.example(operation, 201), pull, {
            head: headBranch,
            base: baseBranch,
          }),
        };
      }
      default:
        return undefined;
    }
  }

  return { repository, handle };
}

function run(
  cwd: string,
  args: string[],
  input?: string,
  env: Record<string, string> = {},
): Promise<string> {
  return runBytes(
    cwd,
    args,
    input === undefined ? undefined : Buffer.from(input),
    env,
  ).then(b => b.toString('utf8'));
}

/** The real git CLI in the bare repository (no shell), stdout as bytes. */
function runBytes(
  cwd: string,
  args: string[],
  input?: Buffer,
  env: Record<string, string> = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      {
        cwd,
        encoding: 'buffer',
        env: { ...process.env, GIT_DIR: cwd, LC_ALL: 'C', ...env },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`git ${args[0]}: ${String(stderr).trim()}`))
          : resolve(stdout),
    );
    child.stdin?.end(input);
  });
}
