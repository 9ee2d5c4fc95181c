import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The endpoints of GitLab's REST API (v4) the feedback writer uses, as GitLab's documentation
 * describes them (doc/api/merge_requests.md, notes.md, commits.md "Set the pipeline status of a
 * commit"): the parameters each takes, which are required, and the values `state` may have. A
 * request with a parameter GitLab does not document, or without one it requires, is a problem.
 */
const ENDPOINTS: Array<{
  method: string;
  pattern: RegExp;
  name: string;
  params: string[];
  required: string[];
}> = [
  {
    method: 'GET',
    pattern: /^\/api\/v4\/projects\/([^/]+)\/merge_requests\/(\d+)$/,
    name: 'merge request',
    params: [
      'render_html',
      'include_diverged_commits_count',
      'include_rebase_in_progress',
    ],
    required: [],
  },
  {
    method: 'GET',
    pattern: /^\/api\/v4\/projects\/([^/]+)\/merge_requests\/(\d+)\/notes$/,
    name: 'list notes',
    params: ['sort', 'order_by', 'page', 'per_page'],
    required: [],
  },
  {
    method: 'POST',
    pattern: /^\/api\/v4\/projects\/([^/]+)\/merge_requests\/(\d+)\/notes$/,
    name: 'create note',
    params: ['body', 'created_at', 'internal', 'merge_request_diff_head_sha'],
    required: ['body'],
  },
  {
    method: 'PUT',
    pattern:
      /^\/api\/v4\/projects\/([^/]+)\/merge_requests\/(\d+)\/notes\/(\d+)$/,
    name: 'modify note',
    params: ['body'],
    required: ['body'],
  },
  {
    method: 'POST',
    pattern: /^\/api\/v4\/projects\/([^/]+)\/statuses\/([0-9a-f]{40})$/,
    name: 'commit status',
    params: [
      'state',
      'ref',
      'name',
      'context',
      'target_url',
      'description',
      'coverage',
      'pipeline_id',
    ],
    required: ['state'],
  },
  {
    method: 'GET',
    pattern: /^\/api\/v4\/projects\/([^/]+)\/environments$/,
    name: 'list environments',
    params: ['name', 'search', 'states', 'page', 'per_page'],
    required: [],
  },
  {
    method: 'POST',
    pattern: /^\/api\/v4\/projects\/([^/]+)\/environments$/,
    name: 'create environment',
    params: ['name', 'external_url', 'tier'],
    required: ['name'],
  },
  {
    method: 'PUT',
    pattern: /^\/api\/v4\/projects\/([^/]+)\/environments\/(\d+)$/,
    name: 'update environment',
    params: ['external_url', 'tier'],
    required: [],
  },
  {
    method: 'POST',
    pattern: /^\/api\/v4\/projects\/([^/]+)\/environments\/(\d+)\/stop$/,
    name: 'stop environment',
    params: ['force'],
    required: [],
  },
];

const COMMIT_STATES = [
  'pending',
  'running',
  'success',
  'failed',
  'canceled',
  'skipped',
];

export interface GitlabNote {
  id: number;
  project: string;
  iid: number;
  body: string;
  system: boolean;
}

export interface GitlabCommitStatus {
  id: number;
  project: string;
  sha: string;
  name: string;
  status: string;
  targetUrl?: string;
  description?: string;
}

export interface GitlabEnvironment {
  id: number;
  project: string;
  name: string;
  externalUrl: string | null;
  state: 'available' | 'stopped';
  tier: string;
}

export interface GitlabFeedbackStandIn {
  /** The `baseUrl` of an `integrations.gitlab` entry. */
  url: string;
  token: string;
  mergeRequests: Map<
    string,
    { project: string; iid: number; sha: string; state: string }
  >;
  notes: Map<number, GitlabNote>;
  statuses: GitlabCommitStatus[];
  environments: GitlabEnvironment[];
  requests: Array<{
    method: string;
    path: string;
    endpoint?: string;
    status: number;
  }>;
  problems: string[];
  addMergeRequest(mr: { project: string; iid: number; sha: string }): void;
  /** Answers the next request to this endpoint (by name, e.g. `create note`) with this instead. */
  failOnce(fault: GitlabFault): void;
  close(): Promise<void>;
}

/** An answer to give once, such as GitLab's 429 with `Retry-After` when a rate limit is spent. */
export interface GitlabFault {
  endpoint: string;
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

/**
 * A stand-in for the merge request, notes and commit status endpoints of GitLab, over real HTTP:
 * `PRIVATE-TOKEN` auth, the project as its URL-encoded path, pages with GitLab's `Link` and `x-*`
 * headers, 404 for a note that is gone, and GitLab's 400 for a commit status set to the state it
 * has. A test double, not GitLab.
 */
export async function startGitlabFeedbackStandIn(
  options: { token?: string; perPage?: number } = {},
): Promise<GitlabFeedbackStandIn> {
  const token = options.token ?? 'glpat-standin-token';
  const maxPerPage = options.perPage ?? 100;
  const mergeRequests: GitlabFeedbackStandIn['mergeRequests'] = new Map();
  const notes = new Map<number, GitlabNote>();
  const statuses: GitlabCommitStatus[] = [];
  const environments: GitlabEnvironment[] = [];
  const requests: GitlabFeedbackStandIn['requests'] = [];
  const problems: string[] = [];
  const faults: GitlabFault[] = [];
  let nextId = 500;
  let url = '';

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const target = new URL(req.url ?? '/', 'http://standin');
    const method = req.method ?? 'GET';
    const record = {
      method,
      path: target.pathname,
      status: 0,
    } as GitlabFeedbackStandIn['requests'][number];
    requests.push(record);
    const send = (
      status: number,
      body: unknown,
      headers: Record<string, string> = {},
    ) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };

    const endpoint = ENDPOINTS.find(
      e => e.method === method && e.pattern.test(target.pathname),
    );
    if (!endpoint) {
      problems.push(
        `${method} ${target.pathname}: not an endpoint GitLab documents`,
      );
      return send(404, { error: '404 Not Found' });
    }
    record.endpoint = endpoint.name;
    if (req.headers['private-token'] !== token) {
      return send(401, { message: '401 Unauthorized' });
    }
    let params: Record<string, unknown> = Object.fromEntries(
      target.searchParams,
    );
    if (text) {
      try {
        params = { ...params, ...JSON.parse(text) };
      } catch {
        problems.push(`${method} ${target.pathname}: a body that is not JSON`);
      }
    }
    const unknown = Object.keys(params).filter(
      k => !endpoint.params.includes(k),
    );
    const missing = endpoint.required.filter(k => params[k] === undefined);
    if (unknown.length || missing.length) {
      problems.push(
        `${method} ${target.pathname}: ${[
          ...unknown.map(k => `undocumented parameter ${k}`),
          ...missing.map(k => `missing ${k}`),
        ].join(', ')}`,
      );
      return send(400, { error: `${missing[0] ?? unknown[0]} is missing` });
    }
    const match = endpoint.pattern.exec(target.pathname)!;
    // GitLab takes the project as its id or its URL-encoded path: `group%2Fshop`.
    const project = decodeURIComponent(match[1]);
    if (match[1].includes('/'))
      problems.push(`${target.pathname}: project path not encoded`);
    const faultIndex = faults.findIndex(f => f.endpoint === endpoint.name);
    if (faultIndex >= 0) {
      const [fault] = faults.splice(faultIndex, 1);
      return send(fault.status, fault.body, fault.headers);
    }

    // eslint-disable-next-line default-case -- every endpoint above has its case; 404 after.
    switch (endpoint.name) {
      case 'merge request': {
        const mr = mergeRequests.get(`${project}!${match[2]}`);
        if (!mr) return send(404, { message: '404 Not found' });
        return send(200, {
          id: 9000 + mr.iid,
          iid: mr.iid,
          project_id: 42,
          title: `Merge request ${mr.iid}`,
          state: mr.state,
          sha: mr.sha,
          web_url: `https://gitlab.example.com/${project}/-/merge_requests/${mr.iid}`,
        });
      }
      case 'list notes': {
        if (!mergeRequests.has(`${project}!${match[2]}`))
          return send(404, { message: '404 Not found' });
        const all = [...notes.values()].filter(
          n => n.project === project && String(n.iid) === match[2],
        );
        const perPage = Math.min(maxPerPage, Number(params.per_page ?? 20));
        const page = Number(params.page ?? 1);
        const totalPages = Math.max(1, Math.ceil(all.length / perPage));
        const next = page < totalPages ? page + 1 : undefined;
        const headers: Record<string, string> = {
          'x-page': String(page),
          'x-per-page': String(perPage),
          'x-total': String(all.length),
          'x-total-pages': String(totalPages),
          'x-next-page': next ? String(next) : '',
        };
        if (next) {
          const nextUrl = new URL(`${url}${target.pathname}`);
          for (const [k, v] of target.searchParams)
            nextUrl.searchParams.set(k, v);
          nextUrl.searchParams.set('page', String(next));
          nextUrl.searchParams.set('per_page', String(perPage));
          headers.link = `<${nextUrl.href}>; rel="next"`;
        }
        return send(
          200,
          all.slice((page - 1) * perPage, page * perPage).map(noteBody),
          headers,
        );
      }
      case 'create note': {
        if (!mergeRequests.has(`${project}!${match[2]}`))
          return send(404, { message: '404 Not found' });
        const note = {
          id: nextId++,
          project,
          iid: Number(match[2]),
          body: String(params.body),
          system: false,
        };
        notes.set(note.id, note);
        return send(201, noteBody(note));
      }
      case 'modify note': {
        const note = notes.get(Number(match[3]));
        if (!note || note.project !== project)
          return send(404, { message: '404 Note Not Found' });
        note.body = String(params.body);
        return send(200, noteBody(note));
      }
      case 'commit status': {
        const state = String(params.state);
        if (!COMMIT_STATES.includes(state)) {
          return send(400, { error: 'state does not have a valid value' });
        }
        const name = String(params.name ?? params.context ?? 'default');
        const sha = match[2];
        const previous = [...statuses]
          .reverse()
          .find(s => s.project === project && s.sha === sha && s.name === name);
        if (previous?.status === state) {
          // What GitLab answers when the status would not change.
          return send(400, {
            message: `Cannot transition status via :${
              state === 'running' ? 'run' : state
            } from :${state} (Reason(s): Status cannot transition via "${
              state === 'running' ? 'run' : state
            }")`,
          });
        }
        const status: GitlabCommitStatus = {
          id: nextId++,
          project,
          sha,
          name,
          status: state,
          targetUrl: params.target_url as string | undefined,
          description: params.description as string | undefined,
        };
        statuses.push(status);
        return send(201, {
          id: status.id,
          sha,
          ref: null,
          status: state,
          name,
          target_url: status.targetUrl ?? null,
          description: status.description ?? null,
          created_at: new Date().toISOString(),
          started_at: null,
          finished_at: null,
          allow_failure: false,
          coverage: null,
          author: { id: 7, username: 'blueberry-bot', name: 'Blueberry' },
        });
      }
      case 'list environments': {
        return send(
          200,
          environments
            .filter(e => e.project === project)
            .filter(e => params.name === undefined || e.name === params.name)
            .map(environmentBody),
        );
      }
      case 'create environment': {
        const name = String(params.name);
        if (environments.some(e => e.project === project && e.name === name)) {
          return send(400, { message: { name: ['has already been taken'] } });
        }
        const environment: GitlabEnvironment = {
          id: nextId++,
          project,
          name,
          externalUrl: (params.external_url as string | undefined) ?? null,
          state: 'available',
          tier: String(params.tier ?? 'other'),
        };
        environments.push(environment);
        return send(201, environmentBody(environment));
      }
      case 'update environment':
      case 'stop environment': {
        const environment = environments.find(
          e => e.project === project && e.id === Number(match[2]),
        );
        if (!environment) return send(404, { message: '404 Not found' });
        if (endpoint.name === 'stop environment') environment.state = 'stopped';
        else if (params.external_url !== undefined) {
          environment.externalUrl = String(params.external_url);
        }
        return send(200, environmentBody(environment));
      }
    }
    return send(404, { message: '404 Not found' });
  });

  function environmentBody(environment: GitlabEnvironment) {
    return {
      id: environment.id,
      name: environment.name,
      slug: environment.name,
      external_url: environment.externalUrl,
      state: environment.state,
      tier: environment.tier,
      created_at: '2030-01-01T12:00:00.000Z',
      updated_at: '2030-01-01T12:00:00.000Z',
    };
  }

  function noteBody(note: GitlabNote) {
    return {
      id: note.id,
      type: null,
      body: note.body,
      author: { id: 7, username: 'blueberry-bot', name: 'Blueberry' },
      created_at: '2030-01-01T12:00:00.000Z',
      updated_at: '2030-01-01T12:00:00.000Z',
      system: note.system,
      noteable_id: 9000 + note.iid,
      noteable_type: 'MergeRequest',
      noteable_iid: note.iid,
      resolvable: false,
      confidential: false,
      internal: false,
    };
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    token,
    mergeRequests,
    notes,
    statuses,
    environments,
    requests,
    problems,
    addMergeRequest: mr =>
      mergeRequests.set(`${mr.project}!${mr.iid}`, { ...mr, state: 'opened' }),
    failOnce: fault => faults.push(fault),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
