import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';

export interface FileLockOptions {
  /**
   * A lock file nobody has touched for this long is taken over: its holder died without removing
   * it. The holder touches it every third of this while it works. Default 30 s.
   */
  staleMs?: number;
  /** How long to wait for the lock before giving up. Default 2 minutes. */
  timeoutMs?: number;
}

const STALE_MS = 30_000;
const TIMEOUT_MS = 120_000;

/**
 * Runs `operation` holding the lock file `lockPath`, so processes sharing a folder take turns
 * (in-process callers queue before this). The file is created with O_EXCL (`wx`), holds
 * `host pid token`, and is removed afterwards only if it is still ours. A lock is stale, and taken
 * over, when its holder on this host is no longer running or when it has not been touched for
 * `staleMs` (a holder on another host, or a frozen one).
 */
export async function withFileLock<T>(
  lockPath: string,
  operation: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const staleMs = options.staleMs ?? STALE_MS;
  const token = `${os.hostname()} ${process.pid} ${randomUUID()}`;
  await acquire(lockPath, token, staleMs, options.timeoutMs ?? TIMEOUT_MS);
  const touch = setInterval(() => {
    const now = new Date();
    fs.utimes(lockPath, now, now).catch(() => undefined);
  }, Math.max(Math.floor(staleMs / 3), 10));
  touch.unref();
  try {
    return await operation();
  } finally {
    clearInterval(touch);
    if ((await readLock(lockPath)) === token) {
      await fs.rm(lockPath, { force: true });
    }
  }
}

async function acquire(
  lockPath: string,
  token: string,
  staleMs: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 10; ; wait = Math.min(wait * 2, 200)) {
    try {
      await fs.writeFile(lockPath, token, { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readLock(lockPath);
    if (holder !== undefined && (await isStale(lockPath, holder, staleMs))) {
      // Only the lock we judged stale goes: one another taker made since stays.
      if ((await readLock(lockPath)) === holder) {
        await fs.rm(lockPath, { force: true });
      }
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${lockPath}, held by ${
          holder ?? 'a process that just released it'
        }`,
      );
    }
    // A timer that keeps the process alive (blueberry-common's sleep does not): a script whose only
    // work is waiting for the lock must not exit while it waits.
    await delay(wait);
  }
}

async function readLock(lockPath: string): Promise<string | undefined> {
  try {
    return await fs.readFile(lockPath, 'utf8');
  } catch {
    return undefined;
  }
}

async function isStale(
  lockPath: string,
  holder: string,
  staleMs: number,
): Promise<boolean> {
  const stat = await fs.stat(lockPath).catch(() => undefined);
  if (!stat) return false;
  if (Date.now() - stat.mtimeMs > staleMs) return true;
  const [host, pid] = holder.split(' ');
  return host === os.hostname() && !isRunning(Number(pid));
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
