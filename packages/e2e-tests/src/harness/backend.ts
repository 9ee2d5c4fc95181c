import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { artifactsDir, repoRoot } from './paths';
import { freePort } from './ports';
import { sleep } from '@blueberry-idp/plugin-blueberry-common';

export interface RunningBackend {
  baseUrl: string;
  port: number;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * Starts the real backend (packages/backend, from source, as `yarn start` does) on a free port, with
 * app-config.yaml plus the given overrides (top-level keys replace app-config's, but for `backend`,
 * whose keys are merged with the port's), and waits until it reports ready.
 */
export async function startBackend(
  options: { config?: Record<string, unknown>; name?: string } = {},
): Promise<RunningBackend> {
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const { backend, ...config } = options.config ?? {};
  const overrides = {
    app: { baseUrl },
    // Merged rather than replaced, so a test can set the database or the cache and keep the port.
    backend: {
      baseUrl,
      listen: { port },
      cors: { origin: baseUrl },
      ...(backend as Record<string, unknown> | undefined),
    },
    ...config,
  };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'blueberry-backend-'));
  const overrideFile = path.join(tmp, 'app-config.e2e.yaml');
  fs.writeFileSync(overrideFile, stringify(overrides));

  fs.mkdirSync(artifactsDir, { recursive: true });
  const logFile = path.join(artifactsDir, `${options.name ?? 'backend'}.log`);
  const log = fs.openSync(logFile, 'w');
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      'src/index.ts',
      '--config',
      path.join(repoRoot, 'app-config.yaml'),
      '--config',
      overrideFile,
    ],
    {
      cwd: path.join(repoRoot, 'packages/backend'),
      env: { ...process.env, NODE_ENV: 'development' },
      stdio: ['ignore', log, log],
    },
  );

  const exited = new Promise<number | null>(resolve =>
    child.once('exit', code => resolve(code)),
  );
  try {
    await waitForReady(`${baseUrl}/.backstage/health/v1/readiness`, exited);
  } catch (error) {
    await stopChild(child, exited);
    throw new Error(
      `${(error as Error).message}; backend log:\n${tail(logFile)}`,
    );
  }
  return {
    baseUrl,
    port,
    logFile,
    stop: () => stopChild(child, exited),
  };
}

async function waitForReady(url: string, exited: Promise<number | null>) {
  let done = false;
  exited.then(() => {
    done = true;
  });
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (done) throw new Error('the backend exited before it was ready');
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(500);
  }
  throw new Error(`the backend was not ready at ${url} within 180 s`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>) {
  if (child.exitCode === null) child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function tail(file: string, lines = 40): string {
  return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}
