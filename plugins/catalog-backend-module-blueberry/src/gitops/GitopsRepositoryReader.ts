import {
  APPLICATION_FILE,
  ENVIRONMENTS_DIR,
} from '@blueberry-idp/plugin-blueberry-common';
import { promises as fs } from 'node:fs';
import { runGit } from './runGit';

/** A file of the GitOps repository as committed: its repository path and its text. */
export interface GitopsFile {
  path: string;
  content: string;
}

// The files the catalog needs: each environment's Application and its components' values files
// (`components/<c>/values.yaml`; `values/<c>.yaml` in repositories written before the Kustomize layout).
const WANTED_FILE = new RegExp(
  `^${ENVIRONMENTS_DIR}/[^/]+/(${APPLICATION_FILE.replace(
    '.',
    '\\.',
  )}|values/[^/]+\\.yaml|components/[^/]+/values\\.yaml)$`,
);

/**
 * Reads the committed content of one branch of a GitOps repository on the local disk with the git
 * CLI, never the working tree: a half-written environment that nobody committed is not in the
 * catalog. Costs three git processes per read whatever the number of environments.
 */
export class GitopsRepositoryReader {
  readonly #path: string;
  readonly #branch: string;

  constructor(options: { path: string; branch: string }) {
    this.#path = options.path;
    this.#branch = options.branch;
  }

  get path(): string {
    return this.#path;
  }

  get branch(): string {
    return this.#branch;
  }

  /**
   * The commit the branch points at; undefined when the folder, the repository or the branch does not
   * exist yet (a repository nobody has committed to holds no environments).
   */
  async head(): Promise<string | undefined> {
    try {
      await fs.access(this.#path);
    } catch {
      return undefined;
    }
    // The refs/heads/ prefix keeps a branch name from ever being read as an option.
    const { stdout, exitCode } = await runGit(
      this.#path,
      ['rev-parse', '--verify', '-q', `refs/heads/${this.#branch}^{commit}`],
      { allowExitCodes: [1, 128] },
    );
    return exitCode === 0 ? stdout.toString('utf8').trim() : undefined;
  }

  /** Every `environments/<env>/application.yaml` and each component's values file at `commit`. */
  async readEnvironmentFiles(commit: string): Promise<GitopsFile[]> {
    const listing = await runGit(this.#path, [
      'ls-tree',
      '-r',
      '-z',
      '--full-tree',
      commit,
      '--',
      `${ENVIRONMENTS_DIR}/`,
    ]);
    const blobs: Array<{ oid: string; path: string }> = [];
    for (const line of listing.stdout.toString('utf8').split('\0')) {
      // "<mode> <type> <oid>\t<path>"
      const tab = line.indexOf('\t');
      if (tab < 0) continue;
      const [, type, oid] = line.slice(0, tab).split(' ');
      const path = line.slice(tab + 1);
      if (type === 'blob' && WANTED_FILE.test(path)) blobs.push({ oid, path });
    }
    if (blobs.length === 0) return [];

    const batch = await runGit(this.#path, ['cat-file', '--batch'], {
      input: `${blobs.map(blob => blob.oid).join('\n')}\n`,
    });
    const contents = parseCatFileBatch(batch.stdout);
    return blobs.map(blob => ({
      path: blob.path,
      content: contents.get(blob.oid) ?? '',
    }));
  }
}

/** Splits `git cat-file --batch` output ("<oid> <type> <size>\n<bytes>\n" per object) by object id. */
export function parseCatFileBatch(output: Buffer): Map<string, string> {
  const contents = new Map<string, string>();
  let offset = 0;
  while (offset < output.length) {
    const headerEnd = output.indexOf(0x0a, offset);
    if (headerEnd < 0) break;
    const [oid, type, size] = output
      .subarray(offset, headerEnd)
      .toString('utf8')
      .split(' ');
    offset = headerEnd + 1;
    if (type === 'missing' || size === undefined) continue;
    const length = Number(size);
    contents.set(
      oid,
      output.subarray(offset, offset + length).toString('utf8'),
    );
    offset += length + 1;
  }
  return contents;
}
