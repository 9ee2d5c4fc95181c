import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The real `helm` and `kustomize` (Argo CD v3.4's versions, built into `.tools/bin` by
 * `scripts/setup.sh` and put on PATH by `scripts/env.sh`), run as Argo CD's repo-server runs them.
 */

/** A tool that exited non-zero, worded as Argo CD's exec wrapper words it. */
export class ToolError extends Error {}

/** Helm's own state (repository cache, registry config) kept apart from the user's. */
let helmHome: string | undefined;

function toolEnvironment(): NodeJS.ProcessEnv {
  if (!helmHome)
    helmHome = fs.mkdtempSync(path.join(os.tmpdir(), 'argocd-standin-helm-'));
  return {
    ...process.env,
    HELM_CACHE_HOME: path.join(helmHome, 'cache'),
    HELM_CONFIG_HOME: path.join(helmHome, 'config'),
    HELM_DATA_HOME: path.join(helmHome, 'data'),
  };
}

/** Runs a tool; its stdout, or a ToolError with the command line and the tool's own message. */
export function runTool(
  command: 'helm' | 'kustomize' | 'git',
  args: string[],
  cwd?: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd,
        env: toolEnvironment(),
        maxBuffer: 64 * 1024 * 1024,
        timeout: 90_000,
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolve(stdout);
          return;
        }
        const code = (error as { code?: unknown }).code;
        const status =
          typeof code === 'number' ? `exit status ${code}` : String(code);
        reject(
          new ToolError(
            `\`${[command, ...args].join(' ')}\` failed ${status}: ${
              stderr.trim() || error.message
            }`,
          ),
        );
      },
    );
  });
}
