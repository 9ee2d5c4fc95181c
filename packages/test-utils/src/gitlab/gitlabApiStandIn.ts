import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small stand-in for the part of GitLab's REST API (v4) the GitOps repository client uses, over
 * real HTTP, with GitLab's shapes and answers: repository files (raw bytes, `text/plain` as GitLab
 * sends them), tree (keyset pagination with `pagination=keyset` and `page_token`, as GitLab's tree
 * has had since 15.0, else offset), branches, commits with `create`, `delete`, `update` and `move`
 * actions (`encoding` `text` or `base64`; 400 when the branch exists), the commits of a ref
 * (`ref_name` a branch or a commit, `path`, git's history simplification: a commit is listed when
 * `path` differs from each of its parents), one commit's diff, files and trees at a commit, merge
 * requests (409 when one is open for the source branch). Lists are paged as GitLab pages them: the
 * `Link` header (`rel="next"` and friends, the request's parameters kept) beside `x-page`,
 * `x-next-page` and the rest, `per_page` at most 100. Branches are file maps with a head commit;
 * merging copies the source branch's files to the target in a merge commit. A test double, not
 * GitLab.
 */
export interface GitlabApiStandIn {
  url: string;
  /** Each request as `METHOD raw-path` (the path as sent, encoding kept). */
  requests: string[];
  /** Each request's query string as sent (after `?`; empty when none), in request order. */
  queries: string[];
  /** Each branch's files as UTF-8 text (a copy, made when read); `file` has the bytes. */
  readonly branches: Map<string, Map<string, string>>;
  /** A file's bytes on a branch, as GitLab stores them. */
  file(branch: string, path: string): Buffer | undefined;
  commits: Array<{
    branch: string;
    message: string;
    deleted: string[];
    updated: string[];
  }>;
  mergeRequests: Array<{
    iid: number;
    source_branch: string;
    target_branch: string;
    title: string;
    description: string;
    remove_source_branch: boolean;
    state: 'opened' | 'merged';
    web_url: string;
  }>;
  merge(iid: number): void;
  stop(): Promise<void>;
}

export async function startGitlabApiStandIn(options: {
  token: string;
  project: string;
  files: Record<string, string | Buffer>;
  branch?: string;
  /** Largest page of every list (GitLab's is 100); small values exercise paging. */
  maxPerPage?: number;
}): Promise<GitlabApiStandIn> {
  const main = options.branch ?? 'main';
  const initialFiles = new Map(
    Object.entries(options.files).map(([p, c]) => [p, Buffer.from(c)]),
  );
  const branches = new Map<string, Map<string, Buffer>>([[main, initialFiles]]);
  const state: Pick<
    GitlabApiStandIn,
    'requests' | 'queries' | 'commits' | 'mergeRequests'
  > = {
    requests: [],
    queries: [],
    commits: [],
    mergeRequests: [],
  };
  const maxPerPage = Math.min(options.maxPerPage ?? 100, 100);
  const webUrl = `https://gitlab.example.com/${options.project}`;
  // Every commit, and each branch's head: enough history for the commits API.
  const store = new Map<string, StoredCommit>();
  const heads = new Map<string, string>();
  let clock = Date.parse('2030-01-01T00:00:00Z');
  const record = (
    branch: string,
    parents: string[],
    message: string,
    files: Map<string, Buffer>,
    changes?: StoredChange[],
  ): StoredCommit => {
    const id = createHash('sha1')
      .update(`${store.size}\n${parents.join(',')}\n${message}`)
      .digest('hex');
    clock += 60_000;
    const commit: StoredCommit = {
      id,
      parent_ids: parents,
      message,
      files: new Map(files),
      changes,
      committed_date: new Date(clock).toISOString().replace(/\.000Z$/, 'Z'),
    };
    store.set(id, commit);
    heads.set(branch, id);
    return commit;
  };
  record(main, [], 'Initial commit', initialFiles);
  /** The files of a branch, or of a commit by its id. */
  const filesAt = (ref: string | null) =>
    branches.get(ref ?? main) ?? store.get(ref ?? '')?.files;

  const server = http.createServer(async (req, res) => {
    const send = (status: number, body: unknown, headers = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const rawUrl = req.url ?? '/';
    state.requests.push(`${req.method} ${rawUrl.split('?')[0]}`);
    state.queries.push(rawUrl.split('?')[1] ?? '');
    if (req.headers['private-token'] !== options.token) {
      send(401, { message: '401 Unauthorized' });
      return;
    }
    const url = new URL(rawUrl, 'http://standin');
    const segments = url.pathname.split('/').slice(1).map(decodeURIComponent);
    // ['api', 'v4', 'projects', '<project>', ...rest]
    if (
      segments[0] !== 'api' ||
      segments[1] !== 'v4' ||
      segments[2] !== 'projects' ||
      segments[3] !== options.project
    ) {
      send(404, { message: '404 Project Not Found' });
      return;
    }
    const rest = segments.slice(4);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length
      ? JSON.parse(Buffer.concat(chunks).toString('utf8'))
      : {};
    const query = url.searchParams;
    const route = `${req.method} ${rest[0]}/${rest[1] ?? ''}`;
    /** One page of a list, with GitLab's offset paging headers. */
    const sendPage = (items: unknown[]) => {
      const page = offsetPage(items, query, maxPerPage, linkBase(req, url));
      send(200, page.items, page.headers);
    };

    if (route === 'GET repository/files' && rest[3] === 'raw') {
      const content = filesAt(query.get('ref'))?.get(rest[2]);
      if (content === undefined) send(404, { message: '404 File Not Found' });
      else {
        // GitLab's send_git_blob: text/plain whatever the bytes, the file named inline.
        res.writeHead(200, {
          'content-type': 'text/plain',
          'content-disposition': `inline; filename="${rest[2]
            .split('/')
            .pop()}"`,
        });
        res.end(content);
      }
      return;
    }
    if (route === 'GET repository/tree') {
      const files = filesAt(query.get('ref'));
      const dir = `${query.get('path')}/`;
      const recursive = query.get('recursive') === 'true';
      // GitLab lists folders (`tree`) and files (`blob`); without `recursive`, direct children only.
      const entries = new Map<string, 'tree' | 'blob'>();
      for (const file of files?.keys() ?? []) {
        if (!file.startsWith(dir)) continue;
        const parts = file.slice(dir.length).split('/');
        const depth = recursive ? parts.length : 1;
        for (let i = 1; i <= depth; i++) {
          entries.set(
            dir + parts.slice(0, i).join('/'),
            i === parts.length ? 'blob' : 'tree',
          );
        }
      }
      const matching = [...entries.keys()].sort();
      if (matching.length === 0) {
        send(404, { message: '404 Tree Not Found' });
        return;
      }
      const json = matching.map(p => ({
        id: createHash('sha1').update(p).digest('hex'),
        name: p.split('/').pop(),
        type: entries.get(p),
        path: p,
        mode: entries.get(p) === 'tree' ? '040000' : '100644',
      }));
      if (query.get('pagination') === 'keyset') {
        const page = keysetPage(json, query, maxPerPage, linkBase(req, url));
        send(200, page.items, page.headers);
      } else sendPage(json);
      return;
    }
    if (route === `GET repository/branches`) {
      if (branches.has(rest[2]))
        send(200, {
          name: rest[2],
          merged: false,
          commit: commitJson(store.get(heads.get(rest[2])!)!, webUrl),
        });
      else send(404, { message: '404 Branch Not Found' });
      return;
    }
    if (route === 'POST repository/commits') {
      const {
        branch,
        start_branch,
        start_sha,
        force,
        commit_message,
        actions,
      } = body;
      if (!branch || !commit_message || !Array.isArray(actions)) {
        send(400, { error: 'branch, commit_message, actions are missing' });
        return;
      }
      // Grape's check of `encoding` (values: text, base64; default text).
      const badEncoding = actions.findIndex(
        (a: { encoding?: string }) =>
          a.encoding !== undefined && !['text', 'base64'].includes(a.encoding),
      );
      if (badEncoding >= 0) {
        send(400, {
          error: `actions[${badEncoding}][encoding] does not have a valid value`,
        });
        return;
      }
      if (start_branch && start_sha) {
        send(400, {
          message: 'start_branch, start_sha are mutually exclusive',
        });
        return;
      }
      // `force` overwrites the branch with a commit on the start branch or commit.
      const starting = start_branch ?? start_sha;
      if (starting && branches.has(branch) && !force) {
        send(400, {
          message: `A branch called '${branch}' already exists. Switch to that branch in order to make changes`,
        });
        return;
      }
      const parent = start_sha ?? heads.get(starting ?? branch);
      const base = start_sha
        ? store.get(start_sha)?.files
        : branches.get(starting ?? branch);
      if (!base) {
        send(400, {
          message: 'You can only create or edit files when you are on a branch',
        });
        return;
      }
      const files = new Map(base);
      const changes: StoredChange[] = [];
      for (const action of actions) {
        const source =
          action.action === 'move' ? action.previous_path : action.file_path;
        if (!['create', 'delete', 'update', 'move'].includes(action.action)) {
          send(400, { message: `Unsupported action ${action.action}` });
          return;
        }
        if (action.action === 'create' && files.has(action.file_path)) {
          send(400, { message: 'A file with this name already exists' });
          return;
        }
        if (action.action !== 'create' && !files.has(source)) {
          send(400, { message: `A file with this name doesn't exist` });
          return;
        }
        const before = files.get(source);
        const content =
          action.content === undefined || action.content === null
            ? undefined
            : Buffer.from(
                String(action.content),
                action.encoding === 'base64' ? 'base64' : 'utf8',
              );
        if (action.action === 'delete') files.delete(action.file_path);
        else if (action.action === 'move') {
          files.delete(source);
          files.set(action.file_path, content ?? before!);
        } else files.set(action.file_path, content ?? Buffer.alloc(0));
        changes.push({
          oldPath: source,
          newPath: action.file_path,
          before,
          after: files.get(action.file_path),
          kind: action.action,
        });
      }
      branches.set(branch, files);
      const stored = record(branch, [parent!], commit_message, files, changes);
      const paths = (kind: string) =>
        actions
          .filter((a: { action: string }) => a.action === kind)
          .map((a: { file_path: string }) => a.file_path);
      state.commits.push({
        branch,
        message: commit_message,
        deleted: paths('delete'),
        updated: paths('update'),
      });
      send(201, commitJson(stored, webUrl));
      return;
    }
    if (route === 'GET repository/commits' && rest[2] && rest[3] === 'diff') {
      const commit = store.get(rest[2]);
      if (!commit) {
        send(404, { message: '404 Commit Not Found' });
        return;
      }
      sendPage(commitDiff(commit, store).map(diffJson));
      return;
    }
    if (route === 'GET repository/commits' && rest[2]) {
      const commit = store.get(rest[2]);
      if (commit) send(200, commitJson(commit, webUrl));
      else send(404, { message: '404 Commit Not Found' });
      return;
    }
    if (route === 'GET repository/commits') {
      const ref = query.get('ref_name') ?? main;
      const start = heads.get(ref) ?? (store.has(ref) ? ref : undefined);
      if (!start) {
        send(404, { message: '404 Reference Not Found' });
        return;
      }
      const path = query.get('path');
      const listed = ancestors(start, store).filter(
        c => !path || changesPath(c, path, store),
      );
      sendPage(listed.map(c => commitJson(c, webUrl)));
      return;
    }
    if (route === 'GET merge_requests/') {
      sendPage(
        state.mergeRequests
          .filter(
            mr =>
              (!query.get('state') || mr.state === query.get('state')) &&
              (!query.get('source_branch') ||
                mr.source_branch === query.get('source_branch')) &&
              (!query.get('target_branch') ||
                mr.target_branch === query.get('target_branch')),
          )
          // GitLab's `sha`: the head commit of the source branch.
          .map(mr => ({ ...mr, sha: heads.get(mr.source_branch) ?? null })),
      );
      return;
    }
    if (route === 'POST merge_requests/') {
      const { source_branch, target_branch, title } = body;
      if (!source_branch || !target_branch || !title) {
        send(400, {
          message: 'source_branch, target_branch, title are missing',
        });
        return;
      }
      const open = state.mergeRequests.find(
        mr => mr.state === 'opened' && mr.source_branch === source_branch,
      );
      if (open) {
        send(409, {
          message: [
            `Another open merge request already exists for this source branch: !${open.iid}`,
          ],
        });
        return;
      }
      const iid = state.mergeRequests.length + 1;
      const mergeRequest = {
        iid,
        source_branch,
        target_branch,
        title,
        description: body.description ?? '',
        remove_source_branch: Boolean(body.remove_source_branch),
        state: 'opened' as const,
        web_url: `${webUrl}/-/merge_requests/${iid}`,
      };
      state.mergeRequests.push(mergeRequest);
      send(201, { id: 1000 + iid, ...mergeRequest });
      return;
    }
    send(404, { message: '404 Not Found' });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ...state,
    url: `http://127.0.0.1:${port}/api/v4`,
    get branches() {
      return new Map(
        [...branches].map(([name, files]) => [
          name,
          new Map([...files].map(([p, c]) => [p, c.toString('utf8')])),
        ]),
      );
    },
    file: (branch, path) => branches.get(branch)?.get(path),
    merge(iid) {
      const mr = state.mergeRequests.find(
        m => m.iid === iid && m.state === 'opened',
      );
      if (!mr) throw new Error(`no open merge request !${iid}`);
      const files = new Map(branches.get(mr.source_branch));
      branches.set(mr.target_branch, files);
      record(
        mr.target_branch,
        [heads.get(mr.target_branch)!, heads.get(mr.source_branch)!],
        `Merge branch '${mr.source_branch}' into '${mr.target_branch}'`,
        files,
      );
      if (mr.remove_source_branch) branches.delete(mr.source_branch);
      mr.state = 'merged';
    },
    stop: () => new Promise(resolve => server.close(() => resolve())),
  };
}

interface StoredChange {
  oldPath: string;
  newPath: string;
  before?: Buffer;
  after?: Buffer;
  kind: 'create' | 'delete' | 'update' | 'move';
}

interface StoredCommit {
  id: string;
  parent_ids: string[];
  message: string;
  committed_date: string;
  /** Every file of the repository at this commit. */
  files: Map<string, Buffer>;
  /** What the commit's actions did; undefined for the first commit and merges. */
  changes?: StoredChange[];
}

/** GitLab's commit object (the fields the Commits API documents that a client reads). */
function commitJson(commit: StoredCommit, webUrl: string) {
  return {
    id: commit.id,
    short_id: commit.id.slice(0, 8),
    title: commit.message.split('\n')[0],
    message: commit.message,
    author_name: 'Blueberry',
    author_email: 'blueberry@localhost',
    authored_date: commit.committed_date,
    committer_name: 'Blueberry',
    committer_email: 'blueberry@localhost',
    committed_date: commit.committed_date,
    created_at: commit.committed_date,
    parent_ids: commit.parent_ids,
    web_url: `${webUrl}/-/commit/${commit.id}`,
  };
}

/** Newest first, each once: the commits reachable from `start`. */
function ancestors(
  start: string,
  store: Map<string, StoredCommit>,
): StoredCommit[] {
  const seen = new Set<string>();
  const pending = [start];
  while (pending.length) {
    const id = pending.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    pending.push(...store.get(id)!.parent_ids);
  }
  return [...seen]
    .map(id => store.get(id)!)
    .sort((a, b) => b.committed_date.localeCompare(a.committed_date));
}

const filesUnder = (files: Map<string, Buffer>, path: string) =>
  JSON.stringify(
    [...files]
      .filter(([f]) => f === path || f.startsWith(`${path}/`))
      .map(([f, c]) => [f, c.toString('base64')])
      .sort(),
  );

/** Git's default history simplification: listed when `path` differs from every parent. */
function changesPath(
  commit: StoredCommit,
  path: string,
  store: Map<string, StoredCommit>,
): boolean {
  const mine = filesUnder(commit.files, path);
  if (commit.parent_ids.length === 0) return mine !== '[]';
  return commit.parent_ids.every(
    p => filesUnder(store.get(p)!.files, path) !== mine,
  );
}

/** The file changes of a commit: its actions, or for a merge the files against its first parent. */
function commitDiff(
  commit: StoredCommit,
  store: Map<string, StoredCommit>,
): StoredChange[] {
  if (commit.changes) return commit.changes;
  const before = store.get(commit.parent_ids[0] ?? '')?.files ?? new Map();
  const paths = [...new Set([...before.keys(), ...commit.files.keys()])].sort();
  const same = (a?: Buffer, b?: Buffer) =>
    a === b || (a !== undefined && b !== undefined && a.equals(b));
  return paths
    .filter(p => !same(before.get(p), commit.files.get(p)))
    .map(p => ({
      oldPath: p,
      newPath: p,
      before: before.get(p),
      after: commit.files.get(p),
      kind:
        (!before.has(p) && 'create') ||
        (!commit.files.has(p) && 'delete') ||
        'update',
    }));
}

/** UTF-8 text, or undefined for bytes that are not (a binary file). */
function textOf(content?: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    return undefined;
  }
}

/**
 * GitLab's diff object. Its `diff` is the unified diff without the `---`/`+++` header, as GitLab
 * sends it; the stand-in's hunk covers the whole file, and a file that is not UTF-8 gets git's
 * `Binary files ... differ` line instead.
 */
function diffJson(change: StoredChange) {
  const lines = (text?: string) =>
    text === undefined || text === ''
      ? []
      : text.replace(/\n$/, '').split('\n');
  const unchangedMove =
    change.kind === 'move' &&
    change.before !== undefined &&
    change.after !== undefined &&
    change.before.equals(change.after);
  const beforeText = change.before && textOf(change.before);
  const afterText = change.after && textOf(change.after);
  const binary =
    (change.before !== undefined && beforeText === undefined) ||
    (change.after !== undefined && afterText === undefined);
  const before = lines(beforeText);
  const after = lines(afterText);
  let hunk = '';
  if (binary) {
    const a = change.before ? `a/${change.oldPath}` : '/dev/null';
    const b = change.after ? `b/${change.newPath}` : '/dev/null';
    hunk = `Binary files ${a} and ${b} differ\n`;
  } else if (!unchangedMove) {
    hunk = `@@ -${before.length ? 1 : 0},${before.length} +${
      after.length ? 1 : 0
    },${after.length} @@\n${[
      ...before.map(l => `-${l}`),
      ...after.map(l => `+${l}`),
    ].join('\n')}\n`;
  }
  return {
    diff: hunk,
    new_path: change.newPath,
    old_path: change.oldPath,
    a_mode: change.kind === 'create' ? '0' : '100644',
    b_mode: change.kind === 'delete' ? '0' : '100644',
    new_file: change.kind === 'create',
    renamed_file: change.kind === 'move',
    deleted_file: change.kind === 'delete',
  };
}

/** Where a page link points: the stand-in's own origin and the request's path. */
function linkBase(req: http.IncomingMessage, url: URL): string {
  return `http://${req.headers.host}${url.pathname}`;
}

/** A page link as GitLab writes it: the request's parameters with `changes`, sorted by name. */
function pageHref(
  base: string,
  query: URLSearchParams,
  changes: Record<string, string>,
): string {
  const params = new URLSearchParams(query);
  for (const [key, value] of Object.entries(changes)) params.set(key, value);
  params.sort();
  return `${base}?${params}`;
}

/**
 * GitLab's offset pagination (Gitlab::Pagination::OffsetPagination): `page` and `per_page`
 * (default 20, at most 100), the `x-page`, `x-per-page`, `x-next-page`, `x-prev-page`, `x-total`
 * and `x-total-pages` headers, and a `Link` header with `prev`, `next`, `first` and `last`.
 */
function offsetPage<T>(
  items: T[],
  query: URLSearchParams,
  maxPerPage: number,
  base: string,
): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Number(query.get('per_page') ?? 20), maxPerPage);
  const page = Math.max(1, Number(query.get('page') ?? 1));
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  const next = page < totalPages ? page + 1 : undefined;
  const prev = page > 1 ? page - 1 : undefined;
  const href = (p: number) =>
    pageHref(base, query, { page: String(p), per_page: String(perPage) });
  const links = [
    ...(prev ? [`<${href(prev)}>; rel="prev"`] : []),
    ...(next ? [`<${href(next)}>; rel="next"`] : []),
    `<${href(1)}>; rel="first"`,
    `<${href(totalPages)}>; rel="last"`,
  ];
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    headers: {
      'x-per-page': String(perPage),
      'x-page': String(page),
      'x-next-page': next ? String(next) : '',
      'x-prev-page': prev ? String(prev) : '',
      'x-total': String(items.length),
      'x-total-pages': String(totalPages),
      link: links.join(', '),
    },
  };
}

/**
 * GitLab's keyset pagination of the tree (GitalyKeysetPager): `pagination=keyset`, `per_page`, and
 * `page_token` from the `Link` header's `rel="next"`, given only while a full page leaves more.
 * No counts. The stand-in's token is the last path of the page, base64-encoded (GitLab's comes from
 * Gitaly, and is as opaque to a client).
 */
function keysetPage<T extends { path: string }>(
  items: T[],
  query: URLSearchParams,
  maxPerPage: number,
  base: string,
): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Number(query.get('per_page') ?? 20), maxPerPage);
  const token = query.get('page_token');
  const after = token ? Buffer.from(token, 'base64').toString('utf8') : '';
  const rest = items.filter(i => !after || i.path > after);
  const page = rest.slice(0, perPage);
  const more = rest.length > perPage;
  const last = page[page.length - 1];
  return {
    items: page,
    headers: more
      ? {
          link: `<${pageHref(base, query, {
            page_token: Buffer.from(last.path).toString('base64'),
          })}>; rel="next"`,
        }
      : {},
  };
}
