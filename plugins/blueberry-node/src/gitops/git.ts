import { execFile } from 'node:child_process';

/** Blueberry's identity on the commits it makes; who asked is in the message. */
export const COMMITTER = { name: 'Blueberry', email: 'blueberry@localhost' };

/** @public */
export interface GitResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * Runs the real `git` CLI with execFile (no shell, so no argument is ever interpreted), with a fixed
 * committer identity, no prompts and no signing, so the result does not depend on who runs it.
 * Resolves with the exit code when `allowExitCodes` includes it; otherwise a non-zero exit rejects.
 *
 * @public
 */
export function git(
  cwd: string,
  args: string[],
  options: { allowExitCodes?: number[] } = {},
): Promise<GitResult> {
  const fullArgs = [
    '-c',
    `user.name=${COMMITTER.name}`,
    '-c',
    `user.email=${COMMITTER.email}`,
    '-c',
    'commit.gpgsign=false',
    '-c',
    'core.autocrlf=false',
    ...args,
  ];
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      fullArgs,
      {
        cwd,
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        let exitCode = 0;
        if (error) exitCode = typeof error.code === 'number' ? error.code : -1;
        if (error && !(options.allowExitCodes ?? []).includes(exitCode)) {
          reject(
            new Error(
              `git ${args[0]} failed in ${cwd} (exit ${exitCode}): ${String(
                stderr,
              ).trim()}`,
            ),
          );
          return;
        }
        resolve({ stdout: String(stdout), stderr: String(stderr), exitCode });
      },
    );
  });
}
