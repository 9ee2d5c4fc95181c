/**
 * How a commit changed one file of an environment's folder.
 *
 * @public
 */
export interface GitopsFileChange {
  /** The file's path (after the commit, for a rename), relative to the repository root. */
  path: string;
  change: 'added' | 'modified' | 'deleted' | 'renamed';
  /** The path before a rename. */
  previousPath?: string;
}

/**
 * One commit of the GitOps repository that touched an environment's folder.
 *
 * @public
 */
export interface GitopsCommit {
  /** The full commit SHA. */
  revision: string;
  /** When it was committed (RFC 3339). */
  committedAt: string;
  /** Git's author (`Name <email>`); who asked is in the `Requested-by` trailer. */
  author: string;
  /** The whole commit message. */
  message: string;
  /** The message's trailers (`Reason`, `Requested-by`, `Task`), when it has them. */
  trailers: Record<string, string>;
  files: GitopsFileChange[];
  /** The unified diff of the folder's files, cut at `maxDiffBytes` (then `diffTruncated`). */
  diff: string;
  diffTruncated: boolean;
  /** The commit on the Git host (GitLab's `web_url`); absent for the local repository. */
  url?: string;
}

/**
 * A page of an environment's history, newest first; `nextCursor` asks for the next page.
 *
 * @public
 */
export interface GitopsHistoryPage {
  commits: GitopsCommit[];
  /** The revision the next page starts at; absent on the last page. */
  nextCursor?: string;
}

/** @public */
export interface GitopsHistoryQuery {
  /** Commits per page. */
  limit: number;
  /** A `nextCursor` of an earlier page: the revision this page starts at. */
  cursor?: string;
}

/** The trailers Blueberry writes (gitopsCommitMessage), read back from a message's last paragraph. */
export function parseTrailers(message: string): Record<string, string> {
  const paragraphs = message.trim().split(/\n\s*\n/);
  if (paragraphs.length < 2) return {};
  const trailers: Record<string, string> = {};
  for (const line of paragraphs[paragraphs.length - 1].split('\n')) {
    const match = /^([A-Za-z][A-Za-z0-9-]*): (.*)$/.exec(line);
    if (!match) return {};
    trailers[match[1]] = match[2];
  }
  return trailers;
}

/** A diff longer than this is cut (at a line) in a history page: a page stays small to send. */
export const MAX_DIFF_BYTES = 32 * 1024;

// Separators that cannot occur in a commit message we write or in a path: record and unit.
const RECORD = '\x1e';
const UNIT = '\x1f';

/** The `git log` arguments whose output parseGitLog reads: raw file changes, then the patch. */
export const GIT_LOG_FORMAT = [
  `--format=${RECORD}%H${UNIT}%cI${UNIT}%an <%ae>${UNIT}%B${UNIT}`,
  '--raw',
  '--patch',
  '-M',
  '--no-color',
  '--no-ext-diff',
];

const RAW_STATUS: Record<string, GitopsFileChange['change']> = {
  A: 'added',
  M: 'modified',
  D: 'deleted',
  R: 'renamed',
  T: 'modified',
};

/** Reads the output of `git log` with GIT_LOG_FORMAT. */
export function parseGitLog(
  output: string,
  maxDiffBytes: number,
): GitopsCommit[] {
  return output
    .split(RECORD)
    .filter(Boolean)
    .map(record => {
      const [revision, committedAt, author, message, rest] = record.split(UNIT);
      const files: GitopsFileChange[] = [];
      const lines = rest.replace(/^\n+/, '').split('\n');
      let i = 0;
      for (; i < lines.length && lines[i].startsWith(':'); i++) {
        // `:100644 100644 abc def M\tpath` or `... R100\told\tnew`
        const [meta, ...paths] = lines[i].split('\t');
        const status = meta.split(' ').pop() ?? '';
        const change = RAW_STATUS[status[0]] ?? 'modified';
        files.push(
          change === 'renamed'
            ? { path: paths[1], change, previousPath: paths[0] }
            : { path: paths[0], change },
        );
      }
      return {
        revision,
        committedAt,
        author,
        message: message.trim(),
        trailers: parseTrailers(message),
        files,
        ...limitDiff(lines.slice(i).join('\n').trim(), maxDiffBytes),
      };
    });
}

/** The diff, cut at a line when longer than `maxBytes`. */
export function limitDiff(
  diff: string,
  maxBytes: number,
): { diff: string; diffTruncated: boolean } {
  const diffTruncated = Buffer.byteLength(diff) > maxBytes;
  return {
    diff: diffTruncated ? cutAtLine(diff, maxBytes) : diff,
    diffTruncated,
  };
}

/** The longest prefix of whole lines within `maxBytes`. */
function cutAtLine(text: string, maxBytes: number): string {
  const cut = Buffer.from(text).subarray(0, maxBytes).toString('utf8');
  const lastNewline = cut.lastIndexOf('\n');
  return lastNewline > 0 ? cut.slice(0, lastNewline) : cut;
}

/**
 * One file's diff as `git log --patch` shows it, from a Git host's answer: git's `diff --git`
 * header in front of the host's hunks (GitLab and GitHub send the hunks without it).
 */
export function unifiedFileDiff(
  file: GitopsFileChange & { hunks: string },
): string {
  const to = file.path;
  const from = file.previousPath ?? to;
  const header = [`diff --git a/${from} b/${to}`];
  if (file.change === 'added')
    header.push('new file mode 100644', '--- /dev/null', `+++ b/${to}`);
  else if (file.change === 'deleted')
    header.push('deleted file mode 100644', `--- a/${from}`, '+++ /dev/null');
  else {
    if (file.change === 'renamed')
      header.push(`rename from ${from}`, `rename to ${to}`);
    if (file.hunks) header.push(`--- a/${from}`, `+++ b/${to}`);
  }
  return [...header, file.hunks.replace(/\n$/, '')].filter(Boolean).join('\n');
}

/**
 * A history page from a host's commit list of `limit + 1` (newest first): the first `limit`
 * commits read in full, the one after them the next page's cursor.
 */
export async function historyPage<T>(
  listed: T[],
  limit: number,
  revisionOf: (item: T) => string,
  read: (item: T) => Promise<GitopsCommit>,
): Promise<GitopsHistoryPage> {
  const commits = await Promise.all(listed.slice(0, limit).map(read));
  return listed.length > limit
    ? { commits, nextCursor: revisionOf(listed[limit]) }
    : { commits };
}
