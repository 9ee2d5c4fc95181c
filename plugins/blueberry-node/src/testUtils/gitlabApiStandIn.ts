import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small stand-in for the part of GitLab's REST API (v4) the GitOps repository client uses, over
 * real HTTP, with GitLab's shapes and answers: repository files (raw), tree (paged with
 * `x-next-page`), branches, commits with `delete` and `update` actions (400 when the branch exists), merge requests (409
 * when one is open for the source branch). Branches are file maps; merging copies the source
 * branch's files to the target. A test double, not GitLab.
 */
export interface GitlabApiStandIn {
  url: string;
  /** Each request as `METHOD raw-path` (the path as sent, encoding kept). */
  requests: string[];
  branches: Map<string, Map<string, string>>;
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
  files: Record<string, string>;
  branch?: string;
  /** Tree page size (GitLab's `per_page`, at most 100); small values exercise paging. */
  maxPerPage?: number;
}): Promise<GitlabApiStandIn> {
  const main = options.branch ?? 'main';
  const state: Omit<GitlabApiStandIn, 'url' | 'stop' | 'merge'> = {
    requests: [],
    branches: new Map([[main, new Map(Object.entries(options.files))]]),
    commits: [],
    mergeRequests: [],
  };
  const webUrl = `https://gitlab.example.com/${options.project}`;

  const server = http.createServer(async (req, res) => {
    const send = (status: number, body: unknown, headers = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const rawUrl = req.url ?? '/';
    state.requests.push(`${req.method} ${rawUrl.split('?')[0]}`);
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

    if (route === 'GET repository/files' && rest[3] === 'raw') {
      const content = state.branches
        .get(query.get('ref') ?? main)
        ?.get(rest[2]);
      if (content === undefined) send(404, { message: '404 File Not Found' });
      else {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(content);
      }
      return;
    }
    if (route === 'GET repository/tree') {
      const files = state.branches.get(query.get('ref') ?? main);
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
      const perPage = Math.min(
        Number(query.get('per_page') ?? 20),
        options.maxPerPage ?? 100,
      );
      const page = Number(query.get('page') ?? 1);
      const slice = matching.slice((page - 1) * perPage, page * perPage);
      const hasNext = page * perPage < matching.length;
      send(
        200,
        slice.map(p => ({
          id: p,
          name: p.split('/').pop(),
          type: entries.get(p),
          path: p,
          mode: entries.get(p) === 'tree' ? '040000' : '100644',
        })),
        { 'x-next-page': hasNext ? String(page + 1) : '' },
      );
      return;
    }
    if (route === `GET repository/branches`) {
      if (state.branches.has(rest[2]))
        send(200, { name: rest[2], merged: false });
      else send(404, { message: '404 Branch Not Found' });
      return;
    }
    if (route === 'POST repository/commits') {
      const { branch, start_branch, commit_message, actions } = body;
      if (!branch || !commit_message || !Array.isArray(actions)) {
        send(400, { message: 'branch, commit_message, actions are missing' });
        return;
      }
      if (start_branch && state.branches.has(branch)) {
        send(400, {
          message: `A branch called '${branch}' already exists. Switch to that branch in order to make changes`,
        });
        return;
      }
      const base = state.branches.get(start_branch ?? branch);
      if (!base) {
        send(400, {
          message: 'You can only create or edit files when you are on a branch',
        });
        return;
      }
      const files = new Map(base);
      for (const action of actions) {
        if (!['delete', 'update'].includes(action.action)) {
          send(400, { message: `Unsupported action ${action.action}` });
          return;
        }
        if (!files.has(action.file_path)) {
          send(400, { message: `A file with this name doesn't exist` });
          return;
        }
        if (action.action === 'delete') files.delete(action.file_path);
        else files.set(action.file_path, action.content);
      }
      state.branches.set(branch, files);
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
      const id = String(state.commits.length).padStart(40, '0');
      send(201, {
        id,
        short_id: id.slice(0, 8),
        message: commit_message,
        web_url: `${webUrl}/-/commit/${id}`,
      });
      return;
    }
    if (route === 'GET merge_requests/') {
      send(
        200,
        state.mergeRequests.filter(
          mr =>
            (!query.get('state') || mr.state === query.get('state')) &&
            (!query.get('source_branch') ||
              mr.source_branch === query.get('source_branch')) &&
            (!query.get('target_branch') ||
              mr.target_branch === query.get('target_branch')),
        ),
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
    merge(iid) {
      const mr = state.mergeRequests.find(
        m => m.iid === iid && m.state === 'opened',
      );
      if (!mr) throw new Error(`no open merge request !${iid}`);
      state.branches.set(
        mr.target_branch,
        new Map(state.branches.get(mr.source_branch)),
      );
      if (mr.remove_source_branch) state.branches.delete(mr.source_branch);
      mr.state = 'merged';
    },
    stop: () => new Promise(resolve => server.close(() => resolve())),
  };
}
