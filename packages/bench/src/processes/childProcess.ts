import { ChildProcess, fork } from 'node:child_process';
import { createWriteStream } from 'node:fs';

/** A message a child sends over the IPC channel. */
export type ChildMessage =
  | { type: 'ready'; url: string }
  | ({ type: 'memory' } & ChildMemory);

/** A child's memory: peaks over its life, and the heap still in use after a full GC. */
export interface ChildMemory {
  peakRssBytes: number;
  peakHeapBytes: number;
  retainedHeapBytes: number;
}

/** A TypeScript child process started through Backstage's Node transform, talking over IPC. */
export interface BenchChild {
  readonly url: string;
  /** Asks the child for its peak memory so far. */
  memory(): Promise<ChildMemory>;
  stop(): Promise<void>;
}

/**
 * Forks `file` (TypeScript) in its own Node process, so its CPU and memory are its own, and waits for
 * its `ready` message. Its stdout and stderr (the backend's logs) go to `logFile`, never to the report.
 */
export async function startChild(options: {
  file: string;
  args?: string[];
  env?: Record<string, string>;
  logFile: string;
  readyTimeoutMs?: number;
}): Promise<BenchChild> {
  const log = createWriteStream(options.logFile);
  const child = fork(options.file, options.args ?? [], {
    execArgv: [
      '--expose-gc',
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
    ],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`${options.file} not ready in time, see ${options.logFile}`),
      );
    }, options.readyTimeoutMs ?? 120_000);
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message.url);
      }
    });
    child.once('exit', code => {
      clearTimeout(timer);
      reject(
        new Error(
          `${options.file} exited with ${code}, see ${options.logFile}`,
        ),
      );
    });
  });

  return {
    url,
    memory: () => request(child),
    stop: () => stopChild(child),
  };
}

function request(child: ChildProcess): Promise<ChildMemory> {
  return new Promise(resolve => {
    const onMessage = (message: ChildMessage) => {
      if (message.type === 'memory') {
        child.off('message', onMessage);
        resolve(message);
      }
    };
    child.on('message', onMessage);
    child.send({ type: 'memory' });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
