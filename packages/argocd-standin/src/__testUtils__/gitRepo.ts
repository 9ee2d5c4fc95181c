import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A real Git repository in a temp dir, driven with the git CLI. */
export class TestGitRepo {
  readonly path: string;

  constructor() {
    this.path = mkdtempSync(join(tmpdir(), 'standin-gitops-'));
    this.git('init', '-q', '-b', 'main');
    this.git('config', 'user.email', 'test@example.com');
    this.git('config', 'user.name', 'Stand-in Test');
    this.git('config', 'commit.gpgsign', 'false');
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.path, encoding: 'utf8' });
  }

  /** Writes files (path to content) and commits them; returns the commit sha. */
  commitFiles(files: Record<string, string>, message: string): string {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(this.path, dirname(path)), { recursive: true });
      writeFileSync(join(this.path, path), content);
    }
    this.git('add', '--', ...Object.keys(files));
    this.git('commit', '-q', '-m', message);
    return this.head();
  }

  /** `git rm -r` a path and commit. */
  removeAndCommit(path: string, message: string): string {
    this.git('rm', '-q', '-r', '--', path);
    this.git('commit', '-q', '-m', message);
    return this.head();
  }

  head(): string {
    return this.git('rev-parse', 'HEAD').trim();
  }

  dispose(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}
