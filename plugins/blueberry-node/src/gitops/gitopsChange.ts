import { InputError } from '@backstage/errors';
import { environmentDir } from '@blueberry-idp/plugin-blueberry-common';
import { validateEnvironmentName } from '../validation/environmentRequest';
import { gitopsChangeDescription, gitopsCommitMessage } from './changeMessage';
import type { GitopsChange } from './GitopsRepository';

const KIND = /^[a-z][a-z0-9-]{0,30}$/;

/** A file a change writes (`content`) or deletes (`null`), checked to be inside its folder. */
export interface CheckedEdit {
  path: string;
  content: Buffer | null;
}

/** One effective step of a change: write, delete, or (same bytes, new path) a move. */
export interface PlannedEdit extends CheckedEdit {
  /** A move: the file's path before (its content unchanged). */
  previousPath?: string;
}

/** The branch a change is proposed on: one per kind and environment, so a repeat finds its own. */
export function changeBranch(kind: string, environment: string): string {
  return `blueberry/${kind}-${environment}`;
}

/**
 * The kind of change `branch` proposes for `environment` when it is such a branch
 * (`blueberry/<kind>-<environment>` with a valid kind), else undefined. A kind may hold a
 * hyphen, so `blueberry/remove-pr-12` is read as `remove` for `pr-12` and as `remove-pr` for `12`.
 */
export function changeKindOf(
  branch: string,
  environment: string,
): string | undefined {
  const prefix = 'blueberry/';
  const suffix = `-${environment}`;
  if (!branch.startsWith(prefix) || !branch.endsWith(suffix)) return undefined;
  const kind = branch.slice(prefix.length, branch.length - suffix.length);
  return KIND.test(kind) ? kind : undefined;
}

/**
 * The change's files, checked: the environment's name, the kind, every path a normalised file of
 * `environments/<env>/` named once. InputError otherwise, before anything is read or written.
 */
export function checkChange(change: GitopsChange): {
  environment: string;
  dir: string;
  edits: CheckedEdit[];
} {
  const environment = validateEnvironmentName(
    change.environment,
    'environment',
  );
  if (!KIND.test(change.kind)) {
    throw new InputError(
      `kind '${change.kind}' must be a lowercase word such as update or remove`,
    );
  }
  const dir = environmentDir(environment);
  const seen = new Set<string>();
  const edits = change.files.map(file => {
    const segments = file.path.split('/');
    if (
      !file.path.startsWith(`${dir}/`) ||
      segments.some(s => s === '' || s === '.' || s === '..')
    ) {
      throw new InputError(
        `${file.path} is not a file of environment ${environment}`,
      );
    }
    if (seen.has(file.path)) {
      throw new InputError(`${file.path} is named twice in one change`);
    }
    seen.add(file.path);
    if (file.content === null) return { path: file.path, content: null };
    return {
      path: file.path,
      content: Buffer.isBuffer(file.content)
        ? file.content
        : Buffer.from(file.content, 'utf8'),
    };
  });
  return { environment, dir, edits };
}

/**
 * What a change does to `current` (the folder's files): only the edits that change something,
 * with a deleted file whose bytes reappear at a new path as one move (GitLab's `move` action; a
 * rename for git), so history shows a rename. Empty when the folder holds those files already.
 */
export function planChange(
  current: Map<string, Buffer>,
  edits: CheckedEdit[],
): PlannedEdit[] {
  const effective = edits.filter(edit =>
    edit.content === null
      ? current.has(edit.path)
      : !current.get(edit.path)?.equals(edit.content),
  );
  const deleted = effective.filter(e => e.content === null);
  const planned: PlannedEdit[] = [];
  const moved = new Set<string>();
  for (const edit of effective) {
    if (edit.content === null) continue;
    const from = current.has(edit.path)
      ? undefined
      : deleted.find(
          d => !moved.has(d.path) && current.get(d.path)!.equals(edit.content!),
        );
    if (from) moved.add(from.path);
    planned.push(from ? { ...edit, previousPath: from.path } : edit);
  }
  return [...planned, ...deleted.filter(d => !moved.has(d.path))];
}

/** The commit message, title and description of a change, one format for every repository. */
export function changeText(change: GitopsChange): {
  message: string;
  title: string;
  description: string;
} {
  return {
    message: gitopsCommitMessage(change.summary, change.request),
    title: change.summary.charAt(0).toUpperCase() + change.summary.slice(1),
    description: gitopsChangeDescription(
      change.request,
      change.merging ?? 'Merging applies the change; Argo CD syncs it.',
    ),
  };
}
