import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface TreeEntry {
  path: string;
  blob: string;
}

/**
 * Reads committed content of a local Git repository through the git CLI: the branch head with
 * `git rev-parse`, the tree with `git ls-tree`, file contents with `git cat-file --batch` (one process
 * for many files). The working tree is never read, as Argo CD only sees what is committed.
 */
export class GitRepository {
  readonly #path: string;
  readonly #blobCache = new Map<string, string>();

  constructor(path: string) {
    this.#path = path;
  }

  get path(): string {
    return this.#path;
  }

  /** The commit the branch points at, or undefined when the branch does not exist (yet). */
  async headCommit(branch: string): Promise<string | undefined> {
    try {
      const { stdout } = await execFileAsync(
        'git',
        ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`],
        { cwd: this.#path },
      );
      return stdout.trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** The blobs under some folders of a commit, recursively. */
  async listFiles(commit: string, folders: string[]): Promise<TreeEntry[]> {
    const { stdout } = await execFileAsync(
      'git',
      ['ls-tree', '-r', '-z', commit, '--', ...folders],
      { cwd: this.#path, maxBuffer: 256 * 1024 * 1024 },
    );
    const entries: TreeEntry[] = [];
    for (const line of stdout.split('\0')) {
      if (!line) continue;
      // <mode> SP <type> SP <object> TAB <path>
      const tab = line.indexOf('\t');
      const [, type, blob] = line.slice(0, tab).split(' ');
      if (type === 'blob') entries.push({ path: line.slice(tab + 1), blob });
    }
    return entries;
  }

  /** File contents by blob id; unchanged blobs come from a cache, new ones from one `cat-file`. */
  async readBlobs(blobs: string[]): Promise<Map<string, string>> {
    const missing = [...new Set(blobs.filter(b => !this.#blobCache.has(b)))];
    if (missing.length) {
      const contents = await this.#catFile(missing);
      for (const [blob, content] of contents)
        this.#blobCache.set(blob, content);
    }
    return new Map(blobs.map(b => [b, this.#blobCache.get(b) ?? '']));
  }

  #catFile(blobs: string[]): Promise<Map<string, string>> {
    return new Promise((resolve, reject) => {
      const child = spawn('git', ['cat-file', '--batch'], { cwd: this.#path });
      const chunks: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
      child.on('error', reject);
      child.on('close', code => {
        if (code !== 0) {
          reject(new Error(`git cat-file exited with ${code}`));
          return;
        }
        const out = Buffer.concat(chunks);
        const result = new Map<string, string>();
        let offset = 0;
        for (const blob of blobs) {
          const headerEnd = out.indexOf(0x0a, offset);
          const header = out.subarray(offset, headerEnd).toString('utf8');
          const [, type, size] = header.split(' ');
          if (type === 'missing' || size === undefined) {
            offset = headerEnd + 1;
            continue;
          }
          const length = Number(size);
          result.set(
            blob,
            out
              .subarray(headerEnd + 1, headerEnd + 1 + length)
              .toString('utf8'),
          );
          offset = headerEnd + 1 + length + 1;
        }
        resolve(result);
      });
      child.stdin.end(`${blobs.join('\n')}\n`);
    });
  }
}
