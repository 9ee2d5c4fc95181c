import { InputError } from '@backstage/errors';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { RenderedFile } from '../render/types';

/** Whether `child` is `parent` or inside it, after resolving both. */
export function isInside(parent: string, child: string): boolean {
  const relative = path.relative(path.resolve(parent), path.resolve(child));
  return (
    relative === '' ||
    (!relative.startsWith('..') && !path.isAbsolute(relative))
  );
}

/**
 * Resolves a "/"-separated repository path under `root`, refusing any that would leave it.
 *
 * @public
 */
export function resolveRepositoryPath(
  root: string,
  repositoryPath: string,
): string {
  const resolved = path.resolve(root, ...repositoryPath.split('/'));
  if (!isInside(root, resolved)) {
    throw new InputError(
      `Path '${repositoryPath}' would leave the folder it must be written to`,
    );
  }
  return resolved;
}

/**
 * Writes rendered files under `root`; with `onlyMissing`, leaves files that exist untouched.
 *
 * @public
 */
export async function writeRenderedFiles(
  root: string,
  files: RenderedFile[],
  options: { onlyMissing?: boolean } = {},
): Promise<string[]> {
  const written: string[] = [];
  for (const file of files) {
    const target = resolveRepositoryPath(root, file.path);
    if (options.onlyMissing && (await exists(target))) continue;
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, file.content, 'utf8');
    written.push(file.path);
  }
  return written;
}

export async function exists(target: string): Promise<boolean> {
  try {
    await fs.lstat(target);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/**
 * The regular files under a folder as "/"-separated paths relative to it, sorted. Symbolic links
 * are refused: one could point outside the workspace and smuggle a file into the repository.
 *
 * @public
 */
export async function listFiles(root: string, prefix = ''): Promise<string[]> {
  const entries = await fs.readdir(path.join(root, prefix), {
    withFileTypes: true,
  });
  const files: string[] = [];
  for (const entry of entries) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isSymbolicLink()) {
      throw new InputError(
        `'${relative}' is a symbolic link; environments hold regular files only`,
      );
    } else if (entry.isDirectory()) {
      files.push(...(await listFiles(root, relative)));
    } else if (entry.isFile()) {
      files.push(relative);
    }
  }
  return files.sort();
}
