import { execFile } from 'node:child_process';

/** Output of one git command. */
export interface GitOutput {
  stdout: Buffer;
  exitCode: number;
}

/**
 * Runs the git CLI with execFile: no shell, so no argument is ever interpreted. `input` is written to
 * git's stdin (for `cat-file --batch`). Exit codes listed in `allowExitCodes` resolve; any other
 * failure rejects with git's own message.
 */
export function runGit(
  cwd: string,
  args: string[],
  options: { input?: string; allowExitCodes?: number[] } = {},
): Promise<GitOutput> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      {
        cwd,
        encoding: 'buffer',
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
        maxBuffer: 512 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        let exitCode = 0;
        if (error) exitCode = typeof error.code === 'number' ? error.code : -1;
        if (error && !(options.allowExitCodes ?? []).includes(exitCode)) {
          const reason = stderr.toString('utf8').trim() || error.message;
          reject(
            new Error(
              `git ${args[0]} failed in ${cwd} (exit ${exitCode}): ${reason}`,
            ),
          );
          return;
        }
        resolve({ stdout, exitCode });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}
